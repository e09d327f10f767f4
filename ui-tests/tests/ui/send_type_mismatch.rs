// The sent value's type is checked at compile time.
fn main() {
    let mut g = cogen::coroutine(async |mut co: cogen::Co<'_, (), u32>| {
        let _n: u32 = co.yield_(()).await;
    });
    g.start().unwrap();
    let _ = g.send("not a number");
}
