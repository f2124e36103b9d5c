fn main() {
    for k in portcullis_secrets::tokens::KINDS {
        for a in k.anchors {
            println!("{a}");
        }
    }
    for k in portcullis_secrets::tokens::PAIRS {
        for a in k.anchors {
            println!("{a}");
        }
    }
    for a in portcullis_secrets::generic::KEYWORDS {
        println!("{a}");
    }
    println!("-----BEGIN ");
    println!("://");
}
