//! Deterministic fake tokens for tests and fixtures.
//!
//! Every generator takes a `u64` seed and returns a token of the right
//! shape for its kind: prefix, length, alphabet and checksum are all valid,
//! so the validators in [`crate::tokens`] find it. The random parts come
//! from a small xorshift generator, so the same seed always gives the same
//! token, different kinds give different tokens for one seed, and nothing
//! here is a real credential. A generator never returns a documented
//! example value ([`crate::tokens::EXAMPLES`]): those are reported as
//! examples, not as secrets.
//!
//! Compiled for this crate's tests and with the `fake` feature.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;

use crate::checksum;
use crate::tokens::{self, Set, B32, B62, B64, B64URL, DIGIT, HEXL, LETTERS, LOWNUM, UPNUM};

/// xorshift64* seeded through splitmix64.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(z | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// `n` bytes of `set` that pass the validators' plausibility checks.
    fn of(&mut self, set: Set, n: usize) -> String {
        let chars = set.bytes();
        loop {
            let s: Vec<u8> = (0..n)
                .map(|_| chars[self.below(chars.len() as u64) as usize])
                .collect();
            if tokens::plausible(&s, set) {
                return String::from_utf8(s).unwrap_or_default();
            }
        }
    }

    /// `n` (at least 3) decimal digits, the first not `0`.
    fn digits(&mut self, n: usize) -> String {
        let first = char::from(b'1' + self.below(9) as u8);
        format!("{first}{}", self.of(DIGIT, n.max(3) - 1))
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn is_example(s: &str) -> bool {
    tokens::EXAMPLES.iter().any(|(e, _)| *e == s)
}

/// A fake token of `kind` (one of [`tokens::KINDS`]). For the kinds found
/// only as the value of a name (Datadog's keys), the text includes the
/// name: `DD_API_KEY=<key>`. Panics on a kind it does not know: a test
/// asking for one is wrong.
pub fn token(kind: &str, seed: u64) -> String {
    let mut r = Rng::new(seed ^ fnv(kind));
    loop {
        let t = make(kind, &mut r);
        if !is_example(&t) {
            return t;
        }
    }
}

/// An AWS access key ID and its secret access key.
pub fn aws_pair(seed: u64) -> (String, String) {
    let mut r = Rng::new(seed ^ fnv("aws"));
    loop {
        let id = format!("AKIA{}", r.of(B32, 16));
        let secret = loop {
            let s = r.of(B64, 40);
            let b = s.as_bytes();
            if b.iter().any(u8::is_ascii_uppercase)
                && b.iter().any(u8::is_ascii_lowercase)
                && b.iter().any(u8::is_ascii_digit)
            {
                break s;
            }
        };
        if !is_example(&id) && !is_example(&secret) {
            return (id, secret);
        }
    }
}

/// A Twilio account SID and its auth token.
pub fn twilio(seed: u64) -> (String, String) {
    let mut r = Rng::new(seed ^ fnv("twilio"));
    (format!("AC{}", r.of(HEXL, 32)), r.of(HEXL, 32))
}

/// An Azure storage connection string with a fake account key.
pub fn azure_connection_string(seed: u64) -> String {
    let mut r = Rng::new(seed ^ fnv("azure"));
    loop {
        let key = STANDARD.encode(r.bytes(64));
        if !is_example(&key) && tokens::plausible(&key.as_bytes()[..86], B64) {
            return format!(
                "DefaultEndpointsProtocol=https;AccountName=fake{};AccountKey={key};EndpointSuffix=core.windows.net",
                r.of(LOWNUM, 8)
            );
        }
    }
}

fn crc62(prefix: &str, r: &mut Rng, random: usize) -> String {
    let body = r.of(B62, random);
    let check = checksum::github(body.as_bytes());
    format!("{prefix}{body}{}", String::from_utf8_lossy(&check))
}

fn to_base36(mut n: u64) -> String {
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(digits[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A routable GitLab token (GitLab's `RoutableToken` layout).
fn gitlab(prefix: &str, r: &mut Rng) -> String {
    loop {
        let payload = format!(
            "c:{}\no:{}\nu:{}",
            to_base36(r.below(100)),
            to_base36(r.below(1 << 30)),
            to_base36(r.below(1 << 30))
        );
        let mut raw = r.bytes(16);
        raw.extend_from_slice(payload.as_bytes());
        raw.push(payload.len() as u8);
        let b64 = URL_SAFE_NO_PAD.encode(&raw);
        if !tokens::plausible(b64.as_bytes(), B64URL) {
            continue;
        }
        let len = checksum::base36::<2>(b64.len() as u64).unwrap_or(*b"00");
        let covered = format!("{prefix}{b64}.01.{}", String::from_utf8_lossy(&len));
        let crc = checksum::gitlab_routable(covered.as_bytes());
        return format!("{covered}{}", String::from_utf8_lossy(&crc));
    }
}

fn uuid(r: &mut Rng) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        r.of(HEXL, 8),
        r.of(HEXL, 4),
        r.of(HEXL, 4),
        r.of(HEXL, 4),
        r.of(HEXL, 12)
    )
}

fn age(r: &mut Rng) -> String {
    let key = r.bytes(32);
    let mut values = Vec::with_capacity(52);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in key {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            values.push(((acc >> bits) & 31) as u8);
        }
    }
    if bits > 0 {
        values.push(((acc << (5 - bits)) & 31) as u8);
    }
    let check = checksum::bech32::checksum(b"age-secret-key-", &values);
    let data: String = values
        .iter()
        .chain(check.iter())
        .map(|&v| char::from(checksum::bech32::CHARSET[usize::from(v)].to_ascii_uppercase()))
        .collect();
    format!("AGE-SECRET-KEY-1{data}")
}

fn make(kind: &str, r: &mut Rng) -> String {
    let az_rest = Set::of(b"0-9A-Za-z_~.-");
    match kind {
        "github-pat" => crc62("ghp_", r, 30),
        "github-oauth-token" => crc62("gho_", r, 30),
        "github-user-to-server-token" => crc62("ghu_", r, 30),
        "github-installation-token" => crc62("ghs_", r, 30),
        "github-refresh-token" => crc62("ghr_", r, 70),
        "github-fine-grained-pat" => format!("github_pat_11{}_{}", r.of(UPNUM, 20), r.of(B62, 59)),
        "gitlab-pat" => gitlab("glpat-", r),
        "gitlab-deploy-token" => gitlab("gldt-", r),
        "gitlab-runner-token" => gitlab("glrt-t1_", r),
        "gitlab-pipeline-trigger-token" => gitlab("glptt-", r),
        "gitlab-feed-token" => gitlab("glft-", r),
        "gitlab-scim-token" => gitlab("glsoat-", r),
        "gitlab-oauth-app-secret" => gitlab("gloas-", r),
        "gitlab-agent-token" => gitlab("glagent-", r),
        "gitlab-feature-flags-client-token" => gitlab("glffct-", r),
        "gitlab-incoming-mail-token" => gitlab("glimt-", r),
        "gitlab-ci-job-token" => format!("glcbt-{:x}_{}", 1 + r.below(0xfff), r.of(B64URL, 20)),
        "gitlab-runner-registration-token" => format!("GR1348941{}", r.of(B64URL, 20)),
        "slack-bot-token" => format!("xoxb-{}-{}-{}", r.digits(11), r.digits(13), r.of(B62, 24)),
        "slack-user-token" => format!(
            "xoxp-{}-{}-{}-{}",
            r.digits(11),
            r.digits(11),
            r.digits(13),
            r.of(HEXL, 32)
        ),
        "slack-workspace-token" => format!(
            "xoxa-2-{}-{}-{}-{}",
            r.digits(11),
            r.digits(12),
            r.digits(12),
            r.of(HEXL, 64)
        ),
        "slack-refresh-token" => format!("xoxe-1-{}", r.of(B62, 140)),
        "slack-config-token" => format!("xoxe.xoxp-1-{}", r.of(B62, 160)),
        "slack-app-token" => format!(
            "xapp-1-A{}-{}-{}",
            r.of(UPNUM, 10),
            r.digits(13),
            r.of(HEXL, 64)
        ),
        "slack-webhook-url" => format!(
            "https://hooks.slack.com/services/T{}/B{}/{}",
            r.of(UPNUM, 10),
            r.of(UPNUM, 10),
            r.of(B62, 24)
        ),
        "npm-access-token" => crc62("npm_", r, 30),
        "pypi-api-token" => format!("pypi-AgEIcHlwaS5vcmc{}", r.of(B64URL, 160)),
        "dockerhub-pat" => format!("dckr_pat_{}", r.of(B64URL, 27)),
        "dockerhub-oat" => format!("dckr_oat_{}", r.of(B64URL, 32)),
        "rubygems-api-key" => format!("rubygems_{}", r.of(HEXL, 48)),
        "nuget-api-key" => format!("oy2{}", r.of(LOWNUM, 43)),
        "clojars-token" => format!("CLOJARS_{}", r.of(LOWNUM, 60)),
        "jfrog-api-key" => format!("AKCp8{}", r.of(B62, 68)),
        "jfrog-reference-token" => loop {
            let raw = format!("reftkn:01:{}:{}", r.digits(10), r.of(B62, 27));
            let t = STANDARD.encode(raw.as_bytes());
            if tokens::plausible(&t.as_bytes()[13..], B64) {
                break t;
            }
        },
        "vault-service-token" => format!("hvs.{}", r.of(B64URL, 24)),
        "vault-batch-token" => format!("hvb.{}", r.of(B64URL, 138)),
        "vault-recovery-token" => format!("hvr.{}", r.of(B64URL, 24)),
        "terraform-cloud-token" => format!(
            "{}.atlasv1.{}",
            r.of(B62, 14),
            r.of(Set::of(b"0-9A-Za-z_=-"), 67)
        ),
        "huggingface-token" => format!("hf_{}", r.of(LETTERS, 34)),
        "huggingface-org-token" => format!("api_org_{}", r.of(LETTERS, 34)),
        "openai-api-key" => format!("sk-{}T3BlbkFJ{}", r.of(B62, 20), r.of(B62, 20)),
        "openai-project-key" => openai("sk-proj-", r),
        "openai-service-account-key" => openai("sk-svcacct-", r),
        "openai-admin-key" => openai("sk-admin-", r),
        "anthropic-api-key" => format!("sk-ant-api03-{}AA", r.of(B64URL, 93)),
        "anthropic-admin-key" => format!("sk-ant-admin01-{}AA", r.of(B64URL, 93)),
        "groq-api-key" => format!("gsk_{}", r.of(B62, 52)),
        "xai-api-key" => format!("xai-{}", r.of(B62, 80)),
        "perplexity-api-key" => format!("pplx-{}", r.of(B62, 48)),
        "replicate-api-token" => format!("r8_{}", r.of(B62, 37)),
        "langsmith-api-key" => format!("lsv2_pt_{}_{}", r.of(HEXL, 32), r.of(HEXL, 10)),
        "digitalocean-pat" => format!("dop_v1_{}", r.of(HEXL, 64)),
        "digitalocean-oauth-token" => format!("doo_v1_{}", r.of(HEXL, 64)),
        "digitalocean-refresh-token" => format!("dor_v1_{}", r.of(HEXL, 64)),
        "google-api-key" => format!("AIza{}", r.of(B64URL, 35)),
        "google-oauth-client-secret" => format!("GOCSPX-{}", r.of(B64URL, 28)),
        "google-oauth-access-token" => format!("ya29.{}", r.of(B64URL, 150)),
        "google-oauth-refresh-token" => format!("1//0{}", r.of(B64URL, 99)),
        "azure-ad-client-secret" => format!(
            "{}{}Q~{}",
            r.of(Set::of(b"0-9A-Za-z_~."), 3),
            r.below(10),
            r.of(az_rest, 34)
        ),
        "alibaba-access-key-id" => format!("LTAI5t{}", r.of(B62, 18)),
        "cloudflare-api-token" => cloudflare("cfut_", r),
        "cloudflare-global-api-key" => cloudflare("cfk_", r),
        "heroku-api-key" => format!("HRKU-AA{}", r.of(B64URL, 58)),
        "flyio-token" => format!("fm2_lJPE{}", r.of(B64, 300)),
        "databricks-token" => format!("dapi{}", r.of(HEXL, 32)),
        "dynatrace-token" => format!("dt0c01.{}.{}", r.of(UPNUM, 24), r.of(UPNUM, 64)),
        "pulumi-access-token" => format!("pul-{}", r.of(HEXL, 40)),
        "supabase-token" => format!("sbp_{}", r.of(HEXL, 40)),
        "planetscale-token" => format!("pscale_tkn_{}", r.of(B64URL, 43)),
        "planetscale-password" => format!("pscale_pw_{}", r.of(B64URL, 43)),
        "scalingo-token" => format!("tk-us-{}", r.of(B64URL, 48)),
        "neon-api-key" => format!("napi_{}", r.of(LOWNUM, 64)),
        "tailscale-key" => format!("tskey-auth-k{}CNTRL-{}", r.of(B62, 10), r.of(B62, 32)),
        "atlassian-api-token" => {
            let covered = format!("ATATT3{}=", r.of(B64URL, 177));
            let check = checksum::atlassian(covered.as_bytes());
            format!("{covered}{}", String::from_utf8_lossy(&check))
        }
        "circleci-token" => format!("CCIPAT_{}_{}", r.of(B62, 22), r.of(HEXL, 40)),
        "buildkite-token" => format!("bkua_{}", r.of(HEXL, 40)),
        "grafana-cloud-token" => {
            let json = format!(
                r#"{{"o":"{}","n":"stack-{}-token","k":"{}","m":{{"r":"prod-us-east-0"}}}}"#,
                r.digits(6),
                r.digits(6),
                r.of(B62, 24)
            );
            format!("glc_{}", STANDARD.encode(json.as_bytes()))
        }
        "grafana-service-account-token" => {
            let head = format!("glsa_{}", r.of(B62, 32));
            let check = checksum::grafana(head.as_bytes());
            format!("{head}_{}", String::from_utf8_lossy(&check))
        }
        "newrelic-user-api-key" => format!("NRAK-{}", r.of(UPNUM, 27)),
        "sentry-org-token" => {
            let json = format!(
                r#"{{"iat":{}.{},"url":"https://sentry.io","region_url":"https://us.sentry.io","org":"{}"}}"#,
                r.digits(10),
                r.digits(6),
                r.of(Set::of(b"a-z"), 9)
            );
            format!("sntrys_{}_{}", STANDARD.encode(json.as_bytes()), r.of(B64, 43))
        }
        "sentry-user-token" => format!("sntryu_{}", r.of(HEXL, 64)),
        "postman-api-key" => format!("PMAK-{}-{}", r.of(HEXL, 24), r.of(HEXL, 34)),
        "linear-api-key" => format!("lin_api_{}", r.of(B62, 40)),
        "notion-token" => format!("ntn_{}{}", r.digits(12), r.of(B62, 34)),
        "figma-pat" => format!("figd_{}", r.of(B64URL, 40)),
        "contentful-pat" => format!("CFPAT-{}", r.of(B64URL, 43)),
        "doppler-token" => format!("dp.pt.{}", r.of(B62, 43)),
        "readme-api-key" => format!("rdme_{}", r.of(LOWNUM, 70)),
        "frameio-token" => format!("fio-u-{}", r.of(Set::of(b"0-9A-Za-z_=-"), 64)),
        "sonarqube-token" => format!("squ_{}", r.of(HEXL, 40)),
        "sourcegraph-token" => format!("sgp_{}_{}", r.of(HEXL, 16), r.of(HEXL, 40)),
        "prefect-api-key" => format!("pnu_{}", r.of(B62, 36)),
        "octopus-api-key" => loop {
            let k = r.of(UPNUM, 26);
            let b = k.as_bytes();
            if b.iter().any(u8::is_ascii_digit) && b.iter().any(u8::is_ascii_uppercase) {
                break format!("API-{k}");
            }
        },
        "typeform-token" => format!("tfp_{}", r.of(B64URL, 59)),
        "onepassword-service-account-token" => format!("ops_eyJ{}", r.of(B64URL, 300)),
        "mapbox-secret-token" => {
            format!("sk.eyJ1Ijoi{}.{}", r.of(B64URL, 48), r.of(B64URL, 22))
        }
        "age-secret-key" => age(r),
        "stripe-secret-key" => format!("sk_live_51{}", r.of(B62, 97)),
        "stripe-restricted-key" => format!("rk_live_51{}", r.of(B62, 97)),
        "stripe-test-key" => format!("sk_test_51{}", r.of(B62, 97)),
        "stripe-webhook-secret" => format!("whsec_{}", r.of(B62, 32)),
        "shopify-access-token" => format!("shpat_{}", r.of(HEXL, 32)),
        "shopify-custom-app-token" => format!("shpca_{}", r.of(HEXL, 32)),
        "shopify-private-app-token" => format!("shppa_{}", r.of(HEXL, 32)),
        "shopify-shared-secret" => format!("shpss_{}", r.of(HEXL, 32)),
        "square-access-token" => format!("sq0atp-{}", r.of(B64URL, 22)),
        "square-oauth-secret" => format!("sq0csp-{}", r.of(B64URL, 43)),
        "flutterwave-secret-key" => format!("FLWSECK-{}-X", r.of(HEXL, 32)),
        "easypost-api-key" => format!("EZAK{}", r.of(B62, 54)),
        "shippo-api-token" => format!("shippo_live_{}", r.of(HEXL, 40)),
        "duffel-token" => format!("duffel_live_{}", r.of(B64URL, 43)),
        "sendgrid-api-key" => format!("SG.{}.{}", r.of(B64URL, 22), r.of(B64URL, 43)),
        "mailgun-api-key" => format!("key-{}", r.of(HEXL, 32)),
        "mailchimp-api-key" => format!("{}-us{}", r.of(HEXL, 32), 10 + r.below(12)),
        "brevo-api-key" => format!("xkeysib-{}-{}", r.of(HEXL, 64), r.of(B62, 16)),
        "twilio-api-key" => format!("SK{}", r.of(HEXL, 32)),
        "telegram-bot-token" => format!("{}:AA{}", r.digits(10), r.of(B64URL, 33)),
        "datadog-api-key" => format!("DD_API_KEY={}", r.of(HEXL, 32)),
        "datadog-app-key" => format!("DD_APP_KEY={}", r.of(HEXL, 40)),
        "adafruit-io-key" => format!("aio_{}", r.of(B62, 28)),
        "discord-webhook-url" => format!(
            "https://discord.com/api/webhooks/{}/{}",
            r.digits(18),
            r.of(B64URL, 68)
        ),
        "teams-webhook-url" => format!(
            "https://{}.webhook.office.com/webhookb2/{}@{}/IncomingWebhook/{}/{}/V2{}",
            r.of(Set::of(b"a-z"), 8),
            uuid(r),
            uuid(r),
            r.of(HEXL, 32),
            uuid(r),
            r.of(B64URL, 43)
        ),
        "power-automate-webhook-url" => format!(
            "https://prod-{}.westeurope.logic.azure.com:443/workflows/{}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={}",
            10 + r.below(90),
            r.of(HEXL, 32),
            r.of(B64URL, 43)
        ),
        "google-chat-webhook-url" => format!(
            "https://chat.googleapis.com/v1/spaces/AAAA{}/messages?key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI&token={}%3D",
            r.of(B64URL, 7),
            r.of(B64URL, 43)
        ),
        "zapier-webhook-url" => format!(
            "https://hooks.zapier.com/hooks/catch/{}/{}",
            r.digits(7),
            r.of(LOWNUM, 7)
        ),
        "ifttt-webhook-key" => format!(
            "https://maker.ifttt.com/trigger/deploy_done/with/key/{}",
            r.of(B64URL, 22)
        ),
        other => panic!("fake::token: no generator for kind {other:?}"),
    }
}

fn openai(prefix: &str, r: &mut Rng) -> String {
    format!("{prefix}{}T3BlbkFJ{}", r.of(B64URL, 74), r.of(B64URL, 74))
}

fn cloudflare(prefix: &str, r: &mut Rng) -> String {
    let random = r.of(B62, 40);
    let check = checksum::cloudflare(random.as_bytes());
    format!("{prefix}{random}{}", String::from_utf8_lossy(&check))
}

/// Fake, random-looking text from a fixed xorshift sequence (every fourth
/// character a digit): passwords and secrets for tests that no detector
/// knows the shape of, and that were never a credential.
pub fn text(seed: usize, len: usize) -> String {
    const A: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ (seed as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
    (0..len)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if i % 4 == 3 {
                char::from(b'0' + (x % 10) as u8)
            } else {
                char::from(A[(x % A.len() as u64) as usize])
            }
        })
        .collect()
}
