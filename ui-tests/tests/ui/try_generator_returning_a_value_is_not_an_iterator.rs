// A try-generator that returns `Ok(value)` has a value `for` would drop: it is
// iterated with `.on_return(..)` or driven with `resume()`.
fn main() {
    let g = cogen::try_generator(async |mut co| {
        co.yield_ok(1).await;
        Ok::<u32, String>(42)
    });
    for _item in g {}
}
