//! Rows whose shape the JSON sample decides: arrays (their wrapper key), `List`s of scalars (their
//! item key and type) and rows with no type at all.

use super::{Builder, Frame, Kind, RowData, leaf, open};
use crate::naming;
use crate::parse::json::JsonNode;
use crate::spec::{Field, FieldShape, ScalarType};

impl Builder<'_, '_> {
    pub(super) fn open_array(
        &mut self,
        stack: &mut Vec<Frame>,
        row: &RowData,
        item: &str,
        wrapper_row: Option<&RowData>,
        json: Option<&JsonNode>,
    ) {
        let (wrapper, item_json) = match wrapper_row {
            Some(w) => (
                Some(w.name.clone()),
                json.and_then(|j| j.get(&w.name)).and_then(JsonNode::item),
            ),
            None => match json {
                Some(JsonNode::Array(_)) => (None, json.and_then(JsonNode::item)),
                Some(j) => match j.single_array_entry() {
                    Some((key, array)) => {
                        self.ctx.lint("response-nesting", row.line, format!("`{}` has no wrapper row; wrapper `{key}` taken from the JSON sample", row.name));
                        (Some(key.to_string()), array.item())
                    }
                    None => (None, None),
                },
                None => (None, None),
            },
        };
        let kind = Kind::Array {
            wrapper,
            type_name: naming::type_name(item),
        };
        open(stack, kind, row.clone(), item_json);
    }

    pub(super) fn wrapper_from_json(
        &mut self,
        row: &RowData,
        json: Option<&JsonNode>,
    ) -> Option<String> {
        match json {
            Some(JsonNode::Array(_)) => None,
            Some(j) => match j.single_array_entry() {
                Some((key, _)) => Some(key.to_string()),
                None => {
                    self.ctx.lint("response-nesting-guess", row.line, format!("`{}`: the JSON sample shows neither an array nor a wrapper; read as a plain array", row.name));
                    None
                }
            },
            None => None,
        }
    }

    /// `List`: scalars whose JSON item key is only in the sample.
    pub(super) fn scalar_list(&mut self, row: &RowData, json: Option<&JsonNode>) -> Field {
        let item_ty = |array: &JsonNode| match array.item() {
            Some(JsonNode::Scalar(Some(ty))) => ty,
            _ => ScalarType::String,
        };
        let (wrapper, ty) = match json {
            Some(array @ JsonNode::Array(_)) => (None, item_ty(array)),
            Some(j) => match j.single_array_entry() {
                Some((key, array)) => (Some(key.to_string()), item_ty(array)),
                None => {
                    self.ctx.lint(
                        "list-item-key-unknown",
                        row.line,
                        format!(
                            "`{}` is a List; the JSON sample does not show its item key",
                            row.name
                        ),
                    );
                    (None, ScalarType::String)
                }
            },
            None => {
                self.ctx.lint("list-item-key-unknown", row.line, format!("`{}` is a List and the JSON sample does not show it; read as a plain array", row.name));
                (None, ScalarType::String)
            }
        };
        leaf(
            row,
            FieldShape::Array {
                wrapper,
                item: Box::new(FieldShape::Scalar { ty }),
            },
        )
    }

    /// A row with no type: a container whose shape only the JSON sample tells.
    pub(super) fn open_untyped(
        &mut self,
        stack: &mut Vec<Frame>,
        row: RowData,
        json: Option<JsonNode>,
    ) {
        match &json {
            Some(JsonNode::Array(_)) => {
                let item = json.as_ref().and_then(JsonNode::item);
                let kind = Kind::Array {
                    wrapper: None,
                    type_name: naming::type_name(&row.name),
                };
                open(stack, kind, row, item);
            }
            Some(j)
                if j.single_array_entry()
                    .is_some_and(|(_, a)| matches!(a.item(), Some(JsonNode::Object(_)) | None)) =>
            {
                let (key, array) = j
                    .single_array_entry()
                    .map(|(k, a)| (k.to_string(), a.item()))
                    .unwrap_or_default();
                let kind = Kind::Array {
                    wrapper: Some(key.clone()),
                    type_name: naming::type_name(&key),
                };
                open(stack, kind, row, array);
            }
            Some(JsonNode::Object(_)) => {
                let kind = Kind::Struct {
                    type_name: naming::type_name(&row.name),
                };
                open(stack, kind, row, json);
            }
            _ => {
                self.ctx.lint(
                    "response-nesting-guess",
                    row.line,
                    format!(
                        "`{}` has no type and the JSON sample does not show it; read as a struct",
                        row.name
                    ),
                );
                let kind = Kind::Struct {
                    type_name: naming::type_name(&row.name),
                };
                open(stack, kind, row, None);
            }
        }
    }
}
