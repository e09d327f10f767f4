// Python's "asynchronous generator is already running" is a borrow error:
// every operation borrows the generator mutably until it completes.
fn main() {
    let mut g = cogen::async_generator(async |mut co| co.yield_(1).await);
    futures::executor::block_on(async {
        let _ = futures::join!(g.anext(), g.anext());
    });
}
