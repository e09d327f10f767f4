// The yield handle cannot be sent to a thread that may outlive the body.
fn main() {
    let g = cogen::generator(async |mut co: cogen::Co<'_, u32>| {
        std::thread::spawn(move || {
            let _ = co.yield_(1);
        });
    });
    drop(g);
}
