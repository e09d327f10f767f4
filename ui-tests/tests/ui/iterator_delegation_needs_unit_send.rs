// Python fails at run time when sending a value to a list iterator inside
// `yield from`; here delegating to an iterator needs a generator that receives ().
fn main() {
    let g = cogen::coroutine(async |mut co: cogen::Co<'_, i32, i32>| {
        co.yield_from_iter([1, 2, 3]).await;
    });
    drop(g);
}
