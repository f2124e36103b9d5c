//! CISA's Known Exploited Vulnerabilities catalog (the JSON feed,
//! `known_exploited_vulnerabilities.json`, schema in cisagov/kev-data):
//! `{"title", "catalogVersion", "dateReleased", "count", "vulnerabilities":
//! [{"cveID", "vendorProject", "product", "vulnerabilityName", "dateAdded",
//! "shortDescription", "requiredAction", "dueDate",
//! "knownRansomwareCampaignUse": "Known" | "Unknown", "notes", "cwes"}]}`.

use serde::Deserialize;

use crate::db::KevEntry;
use crate::osv::cut;

/// More entries than this is not the KEV catalog (it had 1,404 in 2025).
pub const ENTRIES_CAP: usize = 200_000;
const FIELD_CAP: usize = 4096;

/// A parsed catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub version: Option<String>,
    pub released: Option<String>,
    pub entries: Vec<KevEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCatalog {
    #[serde(default)]
    catalog_version: Option<String>,
    #[serde(default)]
    date_released: Option<String>,
    vulnerabilities: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEntry {
    #[serde(rename = "cveID")]
    cve_id: String,
    #[serde(default)]
    vendor_project: Option<String>,
    #[serde(default)]
    product: Option<String>,
    #[serde(default)]
    vulnerability_name: Option<String>,
    #[serde(default)]
    date_added: Option<String>,
    #[serde(default)]
    short_description: Option<String>,
    #[serde(default)]
    required_action: Option<String>,
    #[serde(default)]
    due_date: Option<String>,
    #[serde(default)]
    known_ransomware_campaign_use: Option<String>,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    cwes: Option<Vec<String>>,
}

/// Whether JSON bytes look like the catalog (an object with a
/// `vulnerabilities` list whose items have a `cveID`), for telling it from
/// an OSV record.
pub fn looks_like(value: &serde_json::Value) -> bool {
    value
        .get("vulnerabilities")
        .and_then(|v| v.as_array())
        .is_some_and(|list| list.first().is_none_or(|e| e.get("cveID").is_some()))
}

/// Parses the catalog. Errors say what is wrong (the caller names the file).
pub fn parse(bytes: &[u8]) -> Result<Catalog, String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let raw: RawCatalog = serde_json::from_slice(bytes).map_err(|e| {
        if e.to_string().contains("missing field `vulnerabilities`") {
            "not the KEV catalog: no `vulnerabilities` list".to_owned()
        } else if e.is_syntax() || e.is_eof() {
            format!("not JSON, so not the KEV catalog: {e}")
        } else {
            format!("not the KEV catalog: {e}")
        }
    })?;
    if raw.vulnerabilities.len() > ENTRIES_CAP {
        return Err(format!(
            "not the KEV catalog: more than {ENTRIES_CAP} entries"
        ));
    }
    let mut entries = Vec::with_capacity(raw.vulnerabilities.len());
    for (i, e) in raw.vulnerabilities.into_iter().enumerate() {
        let cve = e.cve_id.trim().to_owned();
        if crate::db::format::cve_key(&cve).is_none() {
            return Err(format!(
                "not the KEV catalog: vulnerabilities[{i}].cveID {:?} is not a CVE id",
                cut(&cve, 40)
            ));
        }
        let text = |s: Option<String>| cut(s.unwrap_or_default().trim(), FIELD_CAP).into_owned();
        entries.push(KevEntry {
            cve,
            vendor: text(e.vendor_project),
            product: text(e.product),
            name: text(e.vulnerability_name),
            date_added: text(e.date_added),
            short_description: text(e.short_description),
            required_action: text(e.required_action),
            due_date: text(e.due_date),
            known_ransomware: e
                .known_ransomware_campaign_use
                .is_some_and(|k| k.trim().eq_ignore_ascii_case("known")),
            notes: text(e.notes),
            cwes: e
                .cwes
                .unwrap_or_default()
                .into_iter()
                .take(64)
                .map(|c| cut(c.trim(), 64).replace(',', " "))
                .filter(|c| !c.is_empty())
                .collect(),
        });
    }
    entries.sort_by(|a, b| a.cve.cmp(&b.cve));
    entries.dedup_by(|a, b| a.cve == b.cve);
    Ok(Catalog {
        version: raw.catalog_version.map(|v| cut(&v, 64).into_owned()),
        released: raw.date_released.map(|v| cut(&v, 64).into_owned()),
        entries,
    })
}
