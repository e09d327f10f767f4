// `for` would drop the return value without a word: it does not compile;
// `resume()` or `.on_return(..)` keeps it.
fn main() {
    let g = cogen::generator(async |mut co| {
        co.yield_(1).await;
        "the total"
    });
    let _all: Vec<i32> = g.collect();
}
