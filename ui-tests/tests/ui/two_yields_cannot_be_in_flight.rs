// Every handle method takes &mut self: two yield futures cannot coexist
// (so `join!(co.yield_(1), co.yield_(2))` cannot be written).
fn main() {
    let g = cogen::generator(async |mut co| {
        let a = co.yield_(1);
        let b = co.yield_(2);
        a.await;
        b.await;
    });
    drop(g);
}
