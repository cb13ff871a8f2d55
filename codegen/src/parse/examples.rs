//! Sample requests and responses from the Examples section.

use crate::doc::{Block, Section};
use crate::spec::{Examples, Sample, SourceText};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Unknown,
    Request,
    Success,
    Error,
}

/// Reads fenced blocks, classified by the lines before them (`Sample requests`,
/// `Sample success responses`, `` `JSON` format ``, `**XML format**`, ...).
pub(crate) fn read(section: &Section) -> Examples {
    let mut examples = Examples::default();
    let mut mode = Mode::Unknown;
    let mut format: Option<&'static str> = None;
    for block in &section.blocks {
        match block {
            Block::Paragraph(lines) => {
                let text = lines
                    .iter()
                    .map(|l| l.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_ascii_lowercase();
                let short = text.len() <= 60;
                if short && text.contains("json") {
                    format = Some("json");
                } else if short && text.contains("xml") {
                    format = Some("xml");
                }
                if text.contains("request") && !text.contains("response") {
                    mode = Mode::Request;
                    format = None;
                } else if text.contains("error")
                    && (text.contains("response") || text.contains("return"))
                {
                    mode = Mode::Error;
                } else if text.contains("response") || text.contains("return") {
                    mode = Mode::Success;
                }
            }
            Block::Code(code) => {
                let body = code.body.trim_matches('\n').to_string();
                let trimmed = body.trim_start();
                let is_request = mode == Mode::Request
                    || (mode == Mode::Unknown
                        && (trimmed.starts_with("http://") || trimmed.starts_with("https://")));
                if is_request {
                    examples.requests.push(SourceText {
                        text: body,
                        line: code.line,
                    });
                    continue;
                }
                let sniffed = if trimmed.starts_with('<') {
                    "xml"
                } else if trimmed.starts_with(['{', '[']) || trimmed.starts_with("HTTP/") {
                    "json"
                } else {
                    "text"
                };
                examples.responses.push(Sample {
                    format: format.unwrap_or(sniffed).to_string(),
                    kind: if mode == Mode::Error {
                        "error"
                    } else {
                        "success"
                    }
                    .to_string(),
                    body,
                    line: code.line,
                });
            }
            _ => {}
        }
    }
    examples
}

/// The body of the JSON success sample, if any.
pub(crate) fn json_sample(examples: &Examples) -> Option<String> {
    examples
        .responses
        .iter()
        .find(|s| s.format == "json" && s.kind == "success")
        .map(|s| s.body.clone())
}
