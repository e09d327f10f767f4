// A body that returns a Result (to use `?`) must not have its error dropped
// by `for`: it is made with `try_generator`, or it does not compile.
fn main() {
    let g = cogen::generator(async |mut co| {
        let n: u32 = "1".parse()?;
        co.yield_(n).await;
        Ok::<(), std::num::ParseIntError>(())
    });
    for _n in g {}
}
