// An async generator whose body holds an Rc across a yield is not Send, so it
// cannot be consumed from a spawned multi-thread task.
use futures::StreamExt;
use std::rc::Rc;

#[tokio::main]
async fn main() {
    let rc = Rc::new(1);
    let g = cogen::async_generator(async move |mut co| {
        let r = rc.clone();
        co.yield_(*r).await;
    });
    tokio::spawn(g.collect::<Vec<_>>());
}
