// A plain generator's error type is Infallible: nothing can be thrown in.
fn main() {
    let mut g = cogen::generator(async |mut co| co.yield_(1).await);
    let _ = g.throw(std::io::Error::other("no"));
}
