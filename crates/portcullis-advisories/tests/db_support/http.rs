//! A tiny HTTP/1.1 server for the update tests, on 127.0.0.1 only: serves
//! files from a map, logs every request target, can answer with a status,
//! or send a body shorter than its Content-Length. Also serves requests in
//! absolute form (`GET http://host/path`), as a proxy receives them.
//! Stopped when dropped.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

#[derive(Clone, Debug)]
pub enum Reply {
    Body(Vec<u8>),
    Status(u16),
    /// Content-Length says the whole body, only this many bytes are sent.
    Truncated(Vec<u8>, usize),
}

#[derive(Default)]
pub struct State {
    pub files: HashMap<String, Reply>,
    /// Request targets as received (absolute form when proxied).
    pub log: Vec<String>,
}

pub struct Server {
    pub port: u16,
    pub state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("addr").port();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (state.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let s = s.clone();
                std::thread::spawn(move || serve(stream, &s));
            }
        });
        Server {
            port,
            state,
            stop,
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn put(&self, path: &str, reply: Reply) {
        self.state
            .lock()
            .unwrap()
            .files
            .insert(path.to_owned(), reply);
    }

    pub fn log(&self) -> Vec<String> {
        self.state.lock().unwrap().log.clone()
    }

    pub fn clear_log(&self) {
        self.state.lock().unwrap().log.clear();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut writer = stream;
    // One request per connection at most a few: keep-alive until the client
    // closes or 100 requests.
    for _ in 0..100 {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut headers = String::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" || h == "\n" {
                break;
            }
            headers.push_str(&h);
        }
        let target = line.split_whitespace().nth(1).unwrap_or("").to_owned();
        let path = match target.strip_prefix("http://") {
            Some(rest) => rest
                .find('/')
                .map_or("/".to_owned(), |i| rest[i..].to_owned()),
            None => target.clone(),
        };
        let path = path.replace("%20", " ");
        let reply = {
            let mut s = state.lock().unwrap();
            s.log.push(target);
            s.files.get(&path).cloned()
        };
        let ok = match reply {
            Some(Reply::Body(body)) => respond(&mut writer, 200, &body, body.len()),
            Some(Reply::Status(code)) => respond(&mut writer, code, b"error\n", 6),
            Some(Reply::Truncated(body, sent)) => {
                let _ = respond(&mut writer, 200, &body[..sent.min(body.len())], body.len());
                return;
            }
            None => respond(&mut writer, 404, b"not found\n", 10),
        };
        if !ok {
            return;
        }
    }
}

fn respond(w: &mut TcpStream, code: u16, body: &[u8], length: usize) -> bool {
    let reason = match code {
        200 => "OK",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    };
    let head = format!("HTTP/1.1 {code} {reason}\r\nContent-Length: {length}\r\n\r\n");
    w.write_all(head.as_bytes()).is_ok() && w.write_all(body).is_ok() && w.flush().is_ok()
}
