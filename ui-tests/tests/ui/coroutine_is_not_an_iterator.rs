// Only a generator that receives () is an Iterator: a coroutine needs send.
fn main() {
    let g = cogen::coroutine(async |mut co: cogen::Co<'_, u8, String>| {
        let _s = co.yield_(1).await;
    });
    for _ in g {}
}
