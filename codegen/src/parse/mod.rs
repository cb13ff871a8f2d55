//! Raw document ([`crate::doc::Document`]) → [`Spec`].

mod columns;
mod errors;
mod examples;
mod json;
pub mod prose;
pub mod request;
mod response;

use crate::doc::{Block, Document, Section, Table};
use crate::spec::{Operation, Service, SourceText, Spec};
pub use columns::{Column, Columns};

/// Why a doc could not be turned into a spec, with the 1-based line (0 when not tied to a line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.reason)
    }
}

impl std::error::Error for ParseError {}

/// The sections the parser knows, by their heading synonyms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SectionKind {
    Description,
    Debugging,
    Request,
    Response,
    Examples,
    Errors,
    Other,
}

fn section_kind(heading: &str) -> SectionKind {
    match heading.trim().to_ascii_lowercase().as_str() {
        "description" | "precautions" => SectionKind::Description,
        "debugging" | "debug" => SectionKind::Debugging,
        "request parameters" => SectionKind::Request,
        "response parameters" | "return parameters" => SectionKind::Response,
        "examples" | "example" => SectionKind::Examples,
        "error codes" | "errors" => SectionKind::Errors,
        _ => SectionKind::Other,
    }
}

/// Context shared by the section parsers: the file name for errors, and collected lints.
pub(crate) struct Ctx {
    pub file: String,
    pub lints: Vec<crate::spec::Lint>,
}

impl Ctx {
    pub fn error(&self, line: usize, reason: impl Into<String>) -> ParseError {
        ParseError {
            file: self.file.clone(),
            line,
            reason: reason.into(),
        }
    }

    pub fn lint(&mut self, kind: &str, line: usize, message: impl Into<String>) {
        self.lints.push(crate::spec::Lint {
            kind: kind.into(),
            line,
            message: message.into(),
        });
    }
}

/// The service to assume for a page whose OpenAPI Explorer link does not name it (`--product`,
/// `--version` on the command line). The page's own link always wins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceHint {
    pub product: Option<String>,
    pub version: Option<String>,
}

/// Parses a doc's Markdown into a canonicalized spec.
pub fn parse(source_path: &str, text: &str, hint: &ServiceHint) -> Result<Spec, ParseError> {
    let doc = Document::parse(text);
    let mut ctx = Ctx {
        file: source_path.to_string(),
        lints: Vec::new(),
    };
    for (line, kind, message) in &doc.recovered {
        ctx.lint(kind, *line, message.clone());
    }

    let Some((title, title_line)) = doc.title.clone() else {
        return Err(ctx.error(1, "no `# Title` heading"));
    };
    let name = title.trim().to_string();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ctx.error(
            title_line,
            format!("title `{name}` is not an operation name"),
        ));
    }

    let find = |kind: SectionKind| {
        doc.sections
            .iter()
            .find(|s| section_kind(&s.heading) == kind)
    };

    let summary = doc
        .preamble
        .iter()
        .find_map(|b| match b {
            Block::Paragraph(lines) => Some(
                lines
                    .iter()
                    .map(|l| l.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            _ => None,
        })
        .unwrap_or_default();

    let rules = find(SectionKind::Description)
        .map(section_rules)
        .unwrap_or_default();

    let Some(request_section) = find(SectionKind::Request) else {
        return Err(ctx.error(title_line, "no `## Request parameters` section"));
    };
    let request_tables = tables(&ctx, request_section)?;
    let Some(main_table) = request_tables.first() else {
        return Err(ctx.error(request_section.line, "the request section has no table"));
    };
    let custom_types = custom_type_tables(request_section);
    let mut exclusive = Vec::new();
    let request = request::build(&mut ctx, main_table, &custom_types, &mut exclusive)?;

    let examples = find(SectionKind::Examples)
        .map(examples::read)
        .unwrap_or_default();

    let response = match find(SectionKind::Response) {
        Some(section) => {
            let sample = examples::json_sample(&examples);
            let section_tables = tables(&ctx, section)?;
            response::build(&mut ctx, section, &section_tables, sample.as_deref())?
        }
        None => response::request_id_only(),
    };

    let errors = match find(SectionKind::Errors) {
        Some(section) => match tables(&ctx, section)?.into_iter().next() {
            Some(table) => errors::build(&mut ctx, table, &request)?,
            None => Vec::new(),
        },
        None => Vec::new(),
    };

    let (service, name) = service_and_name(&mut ctx, text, name, title_line, hint)?;
    let mut spec = Spec {
        service,
        operation: Operation {
            name,
            source: source_path.replace('\\', "/"),
            summary,
            rules,
            request,
            response,
            errors,
            examples,
            idempotency_token: None,
            read_only: false,
            pagination: None,
            exclusive,
            relations: Vec::new(),
            lints: std::mem::take(&mut ctx.lints),
        },
    };
    crate::infer::infer(&mut spec);
    spec.canonicalize();
    Ok(spec)
}

/// The service and the operation's exact name from the page's OpenAPI Explorer link
/// (`product=Ecs&api=CreateSnapshotGroup&type=RPC&version=2014-05-26`), completed from `hint`.
/// A title that differs from the link's `api` only in case is a misspelt title: the link names
/// the real action.
fn service_and_name(
    ctx: &mut Ctx,
    text: &str,
    title: String,
    line: usize,
    hint: &ServiceHint,
) -> Result<(Service, String), ParseError> {
    let mut product = None;
    let mut version = None;
    let mut style = None;
    let mut api = None;
    if let Some(start) = text.find("api.aliyun.com/#") {
        let query = text[start + "api.aliyun.com/#".len()..]
            .split([')', ' ', '\n', '"'])
            .next()
            .unwrap_or_default();
        // The link's fragment reads `/api/Ecs/2014-05-26/...` on some pages, `?product=` on others.
        for pair in query.split(['&', '?']) {
            let Some((k, v)) = pair.split_once('=') else {
                continue;
            };
            let v = v.trim().to_string();
            if v.is_empty() {
                continue;
            }
            match k {
                "product" => product = Some(v),
                "version" => version = Some(v),
                "type" => style = Some(v),
                "api" => api = Some(v),
                _ => {}
            }
        }
    }
    let missing = |what: &str, flag: &str| {
        ctx.error(
            line,
            format!(
                "the page names no {what} (no OpenAPI Explorer link with `{flag}=` in its \
                 `## Debugging` section) and none was given with `--{flag}`"
            ),
        )
    };
    let Some(product) = product.or_else(|| hint.product.clone()) else {
        return Err(missing("product", "product"));
    };
    let Some(version) = version.or_else(|| hint.version.clone()) else {
        return Err(missing("API version", "version"));
    };
    let service = Service {
        product,
        version,
        style: style.unwrap_or_else(|| "RPC".into()),
        http_method: "POST".into(),
    };
    Ok(match api {
        Some(api) if api != title && api.eq_ignore_ascii_case(&title) => {
            ctx.lint(
                "title-misspells-operation",
                line,
                format!(
                    "the title says `{title}`, the OpenAPI Explorer link `{api}`; using `{api}`"
                ),
            );
            (service, api)
        }
        _ => (service, title),
    })
}

/// Tables of a section; an unreadable table there is fatal.
fn tables<'a>(ctx: &Ctx, section: &'a Section) -> Result<Vec<&'a Table>, ParseError> {
    let mut out = Vec::new();
    for block in &section.blocks {
        match block {
            Block::Table(t) => out.push(t),
            Block::BrokenTable { line, reason } => return Err(ctx.error(*line, reason.clone())),
            _ => {}
        }
    }
    Ok(out)
}

/// Tables after "The following table describes the parameters of the X data type.", by X.
fn custom_type_tables(section: &Section) -> Vec<(String, &Table)> {
    let mut out = Vec::new();
    let mut pending: Option<String> = None;
    for block in &section.blocks {
        match block {
            Block::Paragraph(lines) => {
                let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
                pending = data_type_name(&text.join(" "));
            }
            Block::Table(t) => {
                if let Some(name) = pending.take() {
                    out.push((name, t));
                }
            }
            _ => {}
        }
    }
    out
}

fn data_type_name(sentence: &str) -> Option<String> {
    let lower = sentence.to_ascii_lowercase();
    let start = lower.find("parameters of the ")? + "parameters of the ".len();
    let end = lower[start..].find(" data type")? + start;
    let name = sentence.get(start..end)?.trim();
    (!name.is_empty() && !name.contains(' ')).then(|| name.to_string())
}

/// Paragraphs and bullets of the Description section, one [`SourceText`] each.
fn section_rules(section: &Section) -> Vec<SourceText> {
    let mut out: Vec<SourceText> = Vec::new();
    for block in &section.blocks {
        let Block::Paragraph(lines) = block else {
            continue;
        };
        let mut current: Option<SourceText> = None;
        for line in lines {
            let starts_item = line.bullet.is_some() || current.is_none();
            if starts_item {
                if let Some(done) = current.take() {
                    out.push(done);
                }
                current = Some(SourceText {
                    text: line.text.clone(),
                    line: line.line,
                });
            } else if let Some(cur) = current.as_mut() {
                cur.text.push(' ');
                cur.text.push_str(&line.text);
            }
        }
        out.extend(current);
    }
    out.retain(|t| !t.text.is_empty());
    out
}
