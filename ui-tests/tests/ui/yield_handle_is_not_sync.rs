// Sharing &Co between threads would let two threads yield at once.
fn require_sync<T: Sync>(_: &T) {}
fn main() {
    let g = cogen::generator(async |co: cogen::Co<'_, u8>| {
        require_sync(&co);
    });
    drop(g);
}
