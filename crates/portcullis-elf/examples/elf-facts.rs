//! Print the ELF facts of each file named, as JSON lines, read as a stream
//! in 64 KiB chunks the way the content pass feeds them.

use std::io::Read;

fn main() {
    for path in std::env::args().skip(1) {
        let facts = std::fs::File::open(&path).and_then(|mut file| {
            let size = file.metadata()?.len();
            let mut reader = portcullis_elf::ElfReader::new(size);
            let mut buf = vec![0u8; 64 << 10];
            loop {
                let n = file.read(&mut buf)?;
                if n == 0 || !reader.push(&buf[..n]) {
                    break;
                }
            }
            Ok(reader.finish())
        });
        let line = match facts {
            Ok(Some(Ok(facts))) => serde_json::to_string(&facts).unwrap_or_default(),
            Ok(Some(Err(e))) => format!("error: {e}"),
            Ok(None) => "not ELF".into(),
            Err(e) => format!("cannot read: {e}"),
        };
        println!("{path}\t{line}");
    }
}
