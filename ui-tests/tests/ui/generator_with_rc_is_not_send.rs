// A generator whose body holds an Rc across a yield is not Send.
fn require_send<T: Send>(_: T) {}
fn main() {
    let g = cogen::generator(async |mut co| {
        let rc = std::rc::Rc::new(1);
        co.yield_(*rc).await;
        drop(rc);
    });
    require_send(g);
}
