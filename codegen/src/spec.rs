//! The machine-readable spec of one operation: what the parser produces from a reference doc,
//! what overrides patch, what the emitter reads, and what `spec/ecs/*.json` stores.
//!
//! Every list is kept in a canonical order (see [`Spec::canonicalize`]) so that the JSON diff of a
//! doc change shows only what changed.

use serde::{Deserialize, Serialize};

/// The rule model is shared with the derive and the runtime (crate `ecs-rules`); the spec holds it
/// in its JSON form.
pub use ecs_rules::{Rule, Severity};

/// Where a fact in the spec came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Origin {
    /// The reference doc, at this 1-based line.
    #[default]
    Doc,
    /// A reviewed override entry, with its written reason.
    Override { reason: String },
    /// The shared list of errors every ECS operation can return.
    Common,
}

impl Origin {
    pub fn is_doc(&self) -> bool {
        matches!(self, Origin::Doc)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spec {
    pub service: Service,
    pub operation: Operation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// `Ecs`
    pub product: String,
    /// `2014-05-26`
    pub version: String,
    /// `RPC`
    pub style: String,
    /// `POST`
    pub http_method: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Operation {
    /// The `Action` value, e.g. `CreateSnapshotGroup`.
    pub name: String,
    /// Path of the doc relative to the folder regen read, with `/` separators.
    pub source: String,
    pub summary: String,
    /// Paragraphs and bullets of the `## Description` section, as plain text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<SourceText>,
    /// Request parameters as a tree (`Tag.N.Key` is the member `Key` of the list `Tag`).
    /// `Action` is not here: it is the operation name.
    pub request: Vec<Param>,
    /// Response fields as a tree of JSON keys.
    pub response: Vec<Field>,
    pub errors: Vec<ErrorCode>,
    #[serde(default, skip_serializing_if = "Examples::is_empty")]
    pub examples: Examples,
    /// Wire name of the idempotency token param (`ClientToken`), when the operation has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_token: Option<String>,
    /// Whether the operation only reads (inferred from its name): such calls are always safe to
    /// retry, even when a failed attempt may have reached the service.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
    /// How the operation pages, when it does (inferred from its params and response).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    /// Pairs of top-level params that cannot be set together (wire names, each pair sorted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusive: Vec<Exclusive>,
    /// Other rules between top-level params (at least one of, one needs another), each with the
    /// sentence's line; read by `infer` from the params' notes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<RelationRule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lints: Vec<Lint>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceText {
    pub text: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// The wire segment of this param: `ExcludeDiskId`, `Key` (inside `Tag`), `regionId`.
    pub wire_name: String,
    /// The name as the doc wrote it: `ExcludeDiskId.N`, `Tag.N.Key`.
    pub doc_name: String,
    /// snake_case Rust field name, unique among siblings.
    pub rust_name: String,
    pub shape: Shape,
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    pub description: String,
    /// 1-based line of the doc row (0 for params added by an override).
    pub line: usize,
    #[serde(default, skip_serializing_if = "Origin::is_doc")]
    pub origin: Origin,
    /// Set when the doc says the param is deprecated or will be removed; holds that note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Sourced<String>>,
    /// Rules the validator enforces. For a list they apply to each scalar item, except
    /// [`Rule::Count`], which applies to the list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<Constraint>,
    /// Sentences that look like constraints but were not understood. Never enforced.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unparsed: Vec<SourceText>,
    /// Passwords, private keys, secrets and tokens (inferred from the name): never shown in
    /// `Debug` output or validation messages.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
    /// The documented error code the service answers when this param is malformed
    /// (`InvalidSnapshotName.Malformed`). Only reviewed overrides set it; the doc never says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
}

/// A value with the doc line (or override) it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sourced<T> {
    pub value: T,
    pub line: usize,
    #[serde(default, skip_serializing_if = "Origin::is_doc")]
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScalarType {
    String,
    Integer,
    Long,
    Float,
    Double,
    Boolean,
    /// A JSON document sent as a string (`Json` in the doc).
    Json,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Shape {
    Scalar {
        #[serde(rename = "type")]
        ty: ScalarType,
    },
    /// `X.N`: items sent as `X.1`, `X.2`, …; or, when `json_array` is set, one param `X` whose
    /// value is a JSON array (`InstanceIds=["i-1","i-2"]`), as the doc describes.
    List {
        item: Box<Shape>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        json_array: bool,
    },
    /// `X.Y`: members sent as `X.Y`. `type_name` is the Rust type (`Tag`, `SystemDisk`).
    Struct {
        type_name: String,
        members: Vec<Param>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Constraint {
    pub rule: Rule,
    /// The doc line the rule was read from (0 when an override added it).
    pub line: usize,
    /// `Override` when a reviewed override added the rule or changed its severity.
    #[serde(default, skip_serializing_if = "Origin::is_doc")]
    pub origin: Origin,
    /// The condition the page states the rule under, as written (`For Windows instances`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// When that condition is another param having a value (`When Category is cloud_essd`): the
    /// rule is checked only then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_if: Option<ParamValue>,
    /// `warning` for a rule under a condition the client cannot evaluate; errors are not written.
    #[serde(default, skip_serializing_if = "Severity::is_error")]
    pub severity: Severity,
}

impl Constraint {
    /// A rule stated without condition, an error.
    pub fn new(rule: Rule, line: usize, origin: Origin) -> Constraint {
        Constraint {
            rule,
            line,
            origin,
            when: None,
            only_if: None,
            severity: Severity::Error,
        }
    }

    /// [`wording`](Constraint::wording), marked `[warning]` when it only warns: what rustdoc and
    /// the review summary show.
    pub fn described(&self) -> String {
        match self.severity {
            Severity::Error => self.wording(),
            Severity::Warning => format!("{} [warning]", self.wording()),
        }
    }

    /// The rule in its one wording, with its condition when it has one.
    pub fn wording(&self) -> String {
        match &self.when {
            Some(when) => ecs_rules::with_condition(&self.rule.to_string(), when),
            None => self.rule.to_string(),
        }
    }
}

/// Another param of the same level (doc name) and the value it must have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamValue {
    pub param: String,
    pub equals: String,
}

/// How a paginated operation pages: the request params it sets and the response fields it reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pagination {
    pub style: PageStyle,
    /// Wire name of the page-size param (`PageSize`, `MaxResults`).
    pub page_size: String,
    /// Wire name of the page-number param (`PageNumber`) or the token param (`NextToken`).
    pub cursor: String,
    /// JSON key of the response's item list (`Instances`).
    pub items: String,
    /// JSON key of `TotalCount` (page-number style) or `NextToken` in the response.
    pub progress: Option<String>,
    /// The largest page size the doc allows, when it states one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_page_size: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageStyle {
    PageNumber,
    NextToken,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationRule {
    #[serde(flatten)]
    pub relation: ecs_rules::Relation,
    pub line: usize,
    /// The sentence, as the page writes it.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusive {
    pub params: Vec<String>,
    pub line: usize,
    #[serde(default, skip_serializing_if = "Origin::is_doc")]
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// The JSON key.
    pub name: String,
    pub rust_name: String,
    pub shape: FieldShape,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldShape {
    Scalar {
        #[serde(rename = "type")]
        ty: ScalarType,
    },
    Struct {
        type_name: String,
        fields: Vec<Field>,
    },
    /// A JSON array. When `wrapper` is set, the JSON is `{"<wrapper>": [ ... ]}` (the XML-derived
    /// shape of `Array of X` followed by an `X` row).
    Array {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wrapper: Option<String>,
        item: Box<FieldShape>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorCode {
    /// Verbatim, typos included.
    pub code: String,
    /// UpperCamel Rust variant name, unique in the operation.
    pub rust_name: String,
    /// Every (status, message, description) the code is listed with, in doc order.
    pub listings: Vec<ErrorListing>,
    /// Decided by code, from the reviewed table in `spec/common/errors.json` or an override.
    pub retryable: bool,
    #[serde(default, skip_serializing_if = "Origin::is_doc")]
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorListing {
    /// As written (`404`, and the odd `4003`); `None` when the cell is empty or not a number.
    pub http_status: Option<u16>,
    pub message: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Examples {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<SourceText>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responses: Vec<Sample>,
}

impl Examples {
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty() && self.responses.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    /// `json`, `xml`, or `text` when not said.
    pub format: String,
    /// `success` or `error`.
    pub kind: String,
    pub body: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Lint {
    /// Stable identifier, e.g. `error-names-unknown-param`, `case-collision`, `example-type-mismatch`.
    pub kind: String,
    pub line: usize,
    pub message: String,
}

impl Spec {
    /// Sorts everything that has no meaningful doc order, so that reordering rows of a doc does
    /// not change the spec: params and struct members by wire name (ASCII), response fields by
    /// JSON key, errors by code, exclusive pairs and lints. Listings, rules, examples and the
    /// constraints of one param keep doc order.
    pub fn canonicalize(&mut self) {
        let op = &mut self.operation;
        sort_params(&mut op.request);
        sort_fields(&mut op.response);
        op.errors.sort_by(|a, b| a.code.cmp(&b.code));
        for pair in &mut op.exclusive {
            pair.params.sort();
            pair.params.dedup();
        }
        op.exclusive
            .sort_by(|a, b| a.params.cmp(&b.params).then(a.line.cmp(&b.line)));
        op.exclusive.dedup_by(|a, b| a.params == b.params);
        op.lints.sort();
        op.lints.dedup();
    }
}

impl Shape {
    /// What a rule stated on a param of this shape applies to, for [`Rule::fits`].
    pub fn rule_target(&self) -> ecs_rules::Target {
        let value = |shape: &Shape| match shape {
            Shape::Scalar { ty } => ty.rule_value(),
            Shape::Struct { .. } => ecs_rules::ValueKind::Nested,
            // No wire form holds a list of lists; nothing can be checked on its items.
            Shape::List { .. } => ecs_rules::ValueKind::Other,
        };
        match self {
            Shape::List { item, .. } => ecs_rules::Target {
                value: value(item),
                list: true,
            },
            other => ecs_rules::Target {
                value: value(other),
                list: false,
            },
        }
    }
}

impl ScalarType {
    fn rule_value(self) -> ecs_rules::ValueKind {
        match self {
            ScalarType::String => ecs_rules::ValueKind::Text,
            ScalarType::Integer | ScalarType::Long => ecs_rules::ValueKind::Integer,
            ScalarType::Float | ScalarType::Double | ScalarType::Boolean | ScalarType::Json => {
                ecs_rules::ValueKind::Other
            }
        }
    }
}

fn sort_params(params: &mut [Param]) {
    params.sort_by(|a, b| {
        a.wire_name
            .cmp(&b.wire_name)
            .then(a.doc_name.cmp(&b.doc_name))
    });
    for param in params {
        sort_shape(&mut param.shape);
    }
}

fn sort_shape(shape: &mut Shape) {
    match shape {
        Shape::Scalar { .. } => {}
        Shape::List { item, .. } => sort_shape(item),
        Shape::Struct { members, .. } => sort_params(members),
    }
}

fn sort_fields(fields: &mut [Field]) {
    fields.sort_by(|a, b| a.name.cmp(&b.name).then(a.line.cmp(&b.line)));
    for field in fields {
        sort_field_shape(&mut field.shape);
    }
}

fn sort_field_shape(shape: &mut FieldShape) {
    match shape {
        FieldShape::Scalar { .. } => {}
        FieldShape::Struct { fields, .. } => sort_fields(fields),
        FieldShape::Array { item, .. } => sort_field_shape(item),
    }
}
