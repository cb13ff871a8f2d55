//! Request table rows → a tree of [`Param`]s (`Tag.N.Key` is member `Key` of the list `Tag`).

use super::prose::{self, ParamInfo, normalize_name};
use super::{Columns, Ctx, ParseError};
use crate::doc::Table;
use crate::naming;
use crate::spec::{Constraint, Exclusive, Origin, Param, Rule, ScalarType, Shape};

/// One segment of a flattened wire name: `Tag.N` → `Tag` repeated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub name: String,
    pub list: bool,
}

/// `Tag.N.Key` → `[Tag (list), Key]`; `.n` and numeric indexes (`DataDisk.1.Size`) count as `.N`.
pub fn segments(doc_name: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for part in doc_name.split('.').map(str::trim).filter(|p| !p.is_empty()) {
        let is_index = part.eq_ignore_ascii_case("n") || part.chars().all(|c| c.is_ascii_digit());
        match out.last_mut() {
            Some(last) if is_index => last.list = true,
            _ => out.push(Segment {
                name: part.to_string(),
                list: false,
            }),
        }
    }
    out
}

/// Doc type spelling → scalar type; `None` for list markers and custom types.
pub fn scalar_type(raw: &str) -> Option<ScalarType> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "string" => Some(ScalarType::String),
        "integer" | "int" => Some(ScalarType::Integer),
        "long" => Some(ScalarType::Long),
        "float" => Some(ScalarType::Float),
        "double" => Some(ScalarType::Double),
        "boolean" | "bool" => Some(ScalarType::Boolean),
        "json" => Some(ScalarType::Json),
        _ => None,
    }
}

fn is_list_marker(raw: &str) -> bool {
    matches!(
        raw.trim().to_ascii_lowercase().as_str(),
        "repeatlist" | "array" | "list"
    )
}

/// Builds the request params of the main table (custom struct types from the extra tables).
pub(crate) fn build(
    ctx: &mut Ctx,
    table: &Table,
    custom: &[(String, &Table)],
    exclusive: &mut Vec<Exclusive>,
) -> Result<Vec<Param>, ParseError> {
    let mut params = build_table(ctx, table, custom, exclusive, 0)?;
    for leftover in hoist_counts(&mut params) {
        ctx.lint(
            "count-on-non-list",
            leftover.line,
            "a `Valid values of N` range on a param that is not a list",
        );
    }
    name_params(ctx, &mut params)?;
    Ok(params)
}

fn build_table(
    ctx: &mut Ctx,
    table: &Table,
    custom: &[(String, &Table)],
    exclusive: &mut Vec<Exclusive>,
    depth: usize,
) -> Result<Vec<Param>, ParseError> {
    let cols = Columns::of(table);
    let Some(name_col) = cols.name else {
        return Err(ctx.error(table.line, "request table has no `Parameter`/`Name` column"));
    };
    if cols.ty.is_none() {
        ctx.lint(
            "missing-column",
            table.line,
            "request table has no `Type` column; params typed String",
        );
    }
    let known: Vec<String> = table
        .rows
        .iter()
        .filter_map(|r| r.cells.get(name_col).map(|c| c.text()))
        .filter(|n| !n.is_empty())
        .collect();

    let mut params: Vec<Param> = Vec::new();
    for row in &table.rows {
        let doc_name = row
            .cells
            .get(name_col)
            .map(|c| c.text())
            .unwrap_or_default();
        // `Action` is the operation name, not a param (its Required flag is unreliable).
        if doc_name.is_empty() || (depth == 0 && doc_name == "Action") {
            continue;
        }
        let ty_raw = row.cell(cols.ty).map(|c| c.text()).unwrap_or_default();
        let required = row.cell(cols.required).is_some_and(|c| {
            matches!(
                c.text().trim_end_matches('.').to_ascii_lowercase().as_str(),
                "yes" | "true" | "required"
            )
        });
        let example = row
            .cell(cols.example)
            .map(|c| c.text())
            .filter(|e| !e.is_empty());
        let description_cell = row.cell(cols.description).cloned().unwrap_or_default();
        let segs = segments(&doc_name);
        let Some(last) = segs.last() else { continue };

        let scalar = scalar_type(&ty_raw);
        let custom_table = custom
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&ty_raw))
            .map(|(_, t)| *t);
        let item_shape = match (scalar, custom_table) {
            (Some(ty), _) => Shape::Scalar { ty },
            (None, Some(t)) if depth < 4 => Shape::Struct {
                type_name: naming::type_name(&ty_raw),
                members: build_table(ctx, t, custom, exclusive, depth + 1)?,
            },
            _ => {
                if !is_list_marker(&ty_raw) && !ty_raw.is_empty() {
                    ctx.lint(
                        "unknown-type",
                        row.line,
                        format!("`{doc_name}` has type `{ty_raw}`; read as String"),
                    );
                }
                if is_list_marker(&ty_raw) && !last.list {
                    ctx.lint(
                        "list-without-n",
                        row.line,
                        format!("`{doc_name}` is typed `{ty_raw}` but has no `.N`; read as String"),
                    );
                }
                Shape::Scalar {
                    ty: ScalarType::String,
                }
            }
        };
        let elem_ty = match &item_shape {
            Shape::Scalar { ty } => Some(*ty),
            _ => None,
        };
        let shape = if last.list {
            Shape::List {
                item: Box::new(item_shape),
                json_array: false,
            }
        } else {
            item_shape
        };

        if let (Some(ty), Some(ex)) = (elem_ty, example.as_deref())
            && !example_fits(ty, ex)
        {
            ctx.lint(
                "example-type-mismatch",
                row.line,
                format!("`{doc_name}` is typed {ty:?} but its example is `{ex}`"),
            );
        }

        let info = ParamInfo {
            name: &doc_name,
            ty: elem_ty,
            known: &known,
        };
        let facts = prose::read(&description_cell.lines, &info);
        for (a, b, line) in facts.exclusive {
            let wire = |n: &str| {
                segments(n)
                    .first()
                    .map(|s| s.name.clone())
                    .unwrap_or_default()
            };
            let mut pair = vec![wire(&a), wire(&b)];
            pair.sort();
            exclusive.push(Exclusive {
                params: pair,
                line,
                origin: Origin::Doc,
            });
        }

        let param = Param {
            wire_name: last.name.clone(),
            doc_name: doc_name.clone(),
            rust_name: String::new(),
            shape,
            required,
            example,
            description: description_cell.description(),
            line: row.line,
            origin: Origin::Doc,
            deprecated: facts.deprecated,
            sensitive: false,
            default: facts.default,
            constraints: facts.constraints,
            unparsed: facts.unparsed,
            error_code: None,
        };
        if let Err(message) = insert(&mut params, &segs, param) {
            // `Filter.2.Key` after `Filter.1.Key` is the same list member, numbered.
            let numbered = doc_name
                .split('.')
                .any(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()));
            if numbered {
                ctx.lint(
                    "numbered-param",
                    row.line,
                    format!("`{doc_name}` folded into the list it numbers"),
                );
            } else {
                ctx.lint("duplicate-param", row.line, message);
            }
        }
    }
    Ok(params)
}

/// Whether a display example can be a value of the type (masked `****` examples are skipped).
fn example_fits(ty: ScalarType, example: &str) -> bool {
    let ex = example.trim();
    if ex.contains("**") || ex.eq_ignore_ascii_case("null") {
        return true;
    }
    match ty {
        ScalarType::Integer | ScalarType::Long => ex.replace(',', "").parse::<i64>().is_ok(),
        ScalarType::Float | ScalarType::Double => ex.parse::<f64>().is_ok(),
        ScalarType::Boolean => ex.eq_ignore_ascii_case("true") || ex.eq_ignore_ascii_case("false"),
        ScalarType::String | ScalarType::Json => true,
    }
}

/// An empty struct container for `segment`, as the prefix of `doc_name`.
fn container(segment: &Segment, doc_prefix: String, line: usize, origin: Origin) -> Param {
    let strukt = Shape::Struct {
        type_name: naming::type_name(&segment.name),
        members: Vec::new(),
    };
    Param {
        wire_name: segment.name.clone(),
        doc_name: doc_prefix,
        rust_name: String::new(),
        shape: if segment.list {
            Shape::List {
                item: Box::new(strukt),
                json_array: false,
            }
        } else {
            strukt
        },
        required: false,
        example: None,
        description: String::new(),
        line,
        origin,
        deprecated: None,
        sensitive: false,
        default: None,
        constraints: Vec::new(),
        unparsed: Vec::new(),
        error_code: None,
    }
}

/// The members of a struct (or list of structs) param.
pub fn members_mut(param: &mut Param) -> Option<&mut Vec<Param>> {
    match &mut param.shape {
        Shape::Struct { members, .. } => Some(members),
        Shape::List { item, .. } => match item.as_mut() {
            Shape::Struct { members, .. } => Some(members),
            _ => None,
        },
        Shape::Scalar { .. } => None,
    }
}

pub fn members(param: &Param) -> Option<&Vec<Param>> {
    match &param.shape {
        Shape::Struct { members, .. } => Some(members),
        Shape::List { item, .. } => match item.as_ref() {
            Shape::Struct { members, .. } => Some(members),
            _ => None,
        },
        Shape::Scalar { .. } => None,
    }
}

pub fn is_list(param: &Param) -> bool {
    matches!(param.shape, Shape::List { .. })
}

/// Inserts a param at its path, creating struct containers for the prefix segments.
/// Fails (with a message) when the same param is already there.
pub fn insert(params: &mut Vec<Param>, segs: &[Segment], param: Param) -> Result<(), String> {
    insert_at(params, segs, param, String::new())
}

fn insert_at(
    params: &mut Vec<Param>,
    segs: &[Segment],
    param: Param,
    prefix: String,
) -> Result<(), String> {
    let Some((first, rest)) = segs.split_first() else {
        return Err(format!("`{}` has an empty name", param.doc_name));
    };
    let mut doc_prefix = if prefix.is_empty() {
        first.name.clone()
    } else {
        format!("{prefix}.{}", first.name)
    };
    if first.list {
        doc_prefix.push_str(".N");
    }
    let existing = params.iter().position(|p| p.wire_name == first.name);
    if rest.is_empty() {
        return match existing {
            // A row for a container whose members came first (`Tag.N` after `Tag.N.Key`).
            Some(i)
                if members(&params[i]).is_some()
                    && params[i].description.is_empty()
                    && members(&param).is_none() =>
            {
                let target = &mut params[i];
                target.doc_name = param.doc_name;
                target.description = param.description;
                target.required = param.required;
                target.line = param.line;
                target.deprecated = param.deprecated;
                target.constraints.extend(param.constraints);
                target.unparsed.extend(param.unparsed);
                Ok(())
            }
            Some(_) => Err(format!(
                "`{}` is listed twice; the second row is ignored",
                param.doc_name
            )),
            None => {
                params.push(param);
                Ok(())
            }
        };
    }
    let index = match existing {
        Some(i) => {
            if members(&params[i]).is_none() {
                // A scalar row for a prefix (`Tag.N|RepeatList`) becomes the container.
                let old = &params[i];
                let mut c = container(first, doc_prefix.clone(), old.line, old.origin.clone());
                c.doc_name = old.doc_name.clone();
                c.description = old.description.clone();
                c.required = old.required;
                c.deprecated = old.deprecated.clone();
                c.constraints = old.constraints.clone();
                c.unparsed = old.unparsed.clone();
                params[i] = c;
            }
            i
        }
        None => {
            params.push(container(
                first,
                doc_prefix.clone(),
                param.line,
                param.origin.clone(),
            ));
            params.len() - 1
        }
    };
    let Some(children) = members_mut(&mut params[index]) else {
        return Err(format!("`{}` cannot hold members", doc_prefix));
    };
    insert_at(children, rest, param, doc_prefix)
}

/// Moves `Count` rules from members to the nearest enclosing list (the N they talk about).
/// Returns the ones with no list to go to.
pub fn hoist_counts(params: &mut [Param]) -> Vec<Constraint> {
    let mut leftover = Vec::new();
    for param in params {
        leftover.extend(hoist_param(param));
    }
    leftover
}

fn hoist_param(param: &mut Param) -> Vec<Constraint> {
    let mut up = Vec::new();
    if let Some(children) = members_mut(param) {
        up = hoist_counts(children);
    }
    // A JSON array in one string becomes a list in `infer`: its count stays with it.
    if is_list(param) || crate::infer::says_json_array(&param.description) {
        for c in up {
            if !param.constraints.iter().any(|own| own.rule == c.rule) {
                param.constraints.push(c);
            }
        }
        Vec::new()
    } else {
        let (counts, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut param.constraints)
            .into_iter()
            .partition(|c| {
                matches!(
                    c.rule,
                    Rule::Count {
                        separator: None,
                        ..
                    }
                )
            });
        param.constraints = rest;
        up.extend(counts);
        up
    }
}

/// Assigns unique snake_case names among siblings, resolving case collisions
/// (`Tag.N.Key` next to the deprecated `Tag.N.key`), and required flags of containers.
pub(crate) fn name_params(ctx: &mut Ctx, params: &mut [Param]) -> Result<(), ParseError> {
    for param in params.iter_mut() {
        param.rust_name = naming::field_name(&param.wire_name, is_list(param));
        if let Some(children) = members_mut(param) {
            name_params(ctx, children)?;
        }
        let member_required = members(param).is_some_and(|m| m.iter().any(|c| c.required));
        if param.description.is_empty() && !is_list(param) && member_required {
            param.required = true;
        }
    }
    let mut groups: std::collections::BTreeMap<String, Vec<usize>> =
        std::collections::BTreeMap::new();
    for (i, p) in params.iter().enumerate() {
        groups.entry(p.rust_name.clone()).or_default().push(i);
    }
    for (name, indexes) in groups.into_iter().filter(|(_, v)| v.len() > 1) {
        let wires: Vec<&str> = indexes
            .iter()
            .map(|&i| params[i].doc_name.as_str())
            .collect();
        let line = indexes.iter().map(|&i| params[i].line).min().unwrap_or(0);
        ctx.lint(
            "case-collision",
            line,
            format!("{} all map to `{name}`", wires.join(", ")),
        );
        for &i in &indexes {
            let p = &params[i];
            let lower_first = p.wire_name.starts_with(|c: char| c.is_lowercase());
            let suffix = if p.deprecated.is_some() {
                Some("deprecated")
            } else if lower_first {
                Some("lowercase")
            } else {
                None
            };
            if let Some(suffix) = suffix {
                params[i].rust_name = format!("{}_{suffix}", name.trim_end_matches('_'));
            }
        }
    }
    let line = params.first().map_or(0, |p| p.line);
    let mut pairs: Vec<(&str, &mut String)> = params
        .iter_mut()
        .map(|p| (p.doc_name.as_str(), &mut p.rust_name))
        .collect();
    for message in naming::resolve_collisions(&mut pairs) {
        ctx.lint("param-name-collision", line, message);
    }
    Ok(())
}

/// Finds a param by doc name (`Tag.N.Key`, `tag.n.key`, `Name`) anywhere in the tree.
pub fn find_mut<'a>(params: &'a mut [Param], doc_name: &str) -> Option<&'a mut Param> {
    let wanted = normalize_name(doc_name);
    find_path(params, &wanted)
}

fn find_path<'a>(params: &'a mut [Param], wanted: &str) -> Option<&'a mut Param> {
    for param in params.iter_mut() {
        if normalize_name(&param.doc_name) == wanted {
            return Some(param);
        }
        if let Some(children) = members_mut(param)
            && let Some(found) = find_path(children, wanted)
        {
            return Some(found);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_of_names() {
        let s = |n: &str| {
            segments(n)
                .into_iter()
                .map(|s| (s.name, s.list))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            s("Tag.N.Key"),
            [("Tag".into(), true), ("Key".into(), false)]
        );
        assert_eq!(
            s("Tag.n.Key"),
            [("Tag".into(), true), ("Key".into(), false)]
        );
        assert_eq!(s("ExcludeDiskId.N"), [("ExcludeDiskId".into(), true)]);
        assert_eq!(
            s("NetworkInterface.N.SecurityGroupIds.N"),
            [
                ("NetworkInterface".into(), true),
                ("SecurityGroupIds".into(), true)
            ]
        );
        assert_eq!(
            s("LaunchConfiguration.DataDisk.N.Size"),
            [
                ("LaunchConfiguration".into(), false),
                ("DataDisk".into(), true),
                ("Size".into(), false)
            ]
        );
    }
}
