//! Runs the test server until killed: `cogen-testserver [PORT]`.
//!
//! Prints `http://127.0.0.1:PORT` on its first line, for benchmarks written
//! in other languages.

fn main() {
    let port = match std::env::args().nth(1).map(|p| p.parse::<u16>()) {
        None => 0,
        Some(Ok(port)) => port,
        Some(Err(e)) => {
            eprintln!("cogen-testserver: bad port: {e}");
            std::process::exit(2);
        }
    };
    let server = cogen_testserver::TestServer::start_on(port);
    println!("http://{}", server.addr());
    loop {
        std::thread::park();
    }
}
