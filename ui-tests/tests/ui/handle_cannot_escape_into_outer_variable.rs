// The yield handle is branded: it cannot be stored outside its body.
fn main() {
    let mut escaped: Option<cogen::Co<'static, u32>> = None;
    let g = cogen::generator(async |co| {
        escaped = Some(co);
    });
    drop(g);
}
