//! Shared nested types. Every request struct shape (`Tag` with `Key`/`Value`) and response struct
//! shape is keyed by its structure (names, types, rules; docs and lines ignored), so identical
//! shapes across operations become one type in `types`. Where shapes that want the same name
//! differ, the most used keeps the name and the others are prefixed with the first operation
//! that uses them (`RunInstancesDataDisk`).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::fields::{self, dedupe_setters, redacting_debug, setter_methods};
use super::{EmitError, OpSource, Target, feature_name, ident, output};
use crate::spec::{Field, FieldShape, Origin, Param, Shape, SourceText};

struct Entry<T> {
    /// The name the doc gives the shape (`Tag`).
    wanted: String,
    /// The first occurrence, whose docs the type carries.
    first: Vec<T>,
    first_op: String,
    ops: BTreeSet<String>,
    features: BTreeSet<String>,
    name: String,
}

pub(crate) struct TypeTable {
    request: BTreeMap<String, Entry<Param>>,
    response: BTreeMap<String, Entry<Field>>,
    target: Target,
    all_features: BTreeSet<String>,
}

/// The structure of a request shape: everything the type's generated code depends on, nothing
/// it only documents. The rules of its own members are not part of it: the field that takes the
/// type carries them (`member(...)`), so `Tag` is one type whatever each page says of its key.
fn request_key(members: &[Param]) -> String {
    fn strip(p: &Param) -> Param {
        let mut p = p.clone();
        p.description.clear();
        p.example = None;
        p.line = 0;
        p.origin = Origin::Doc;
        p.unparsed = Vec::<SourceText>::new();
        p.default = None;
        p.deprecated = p.deprecated.map(|_| String::new());
        for c in &mut p.constraints {
            c.line = 0;
            c.origin = Origin::Doc;
        }
        p.shape = strip_shape(&p.shape);
        p
    }
    fn strip_shape(s: &Shape) -> Shape {
        match s {
            Shape::Scalar { .. } => s.clone(),
            Shape::List { item, json_array } => Shape::List {
                item: Box::new(strip_shape(item)),
                json_array: *json_array,
            },
            Shape::Struct { members, .. } => Shape::Struct {
                type_name: String::new(),
                members: members.iter().map(strip).collect(),
            },
        }
    }
    let stripped: Vec<Param> = members
        .iter()
        .map(|m| {
            let mut m = strip(m);
            m.constraints.clear();
            m.error_code = None;
            m
        })
        .collect();
    serde_json::to_string(&stripped).unwrap_or_default()
}

fn response_key(fields: &[Field]) -> String {
    fn strip(f: &Field) -> Field {
        Field {
            name: f.name.clone(),
            rust_name: f.rust_name.clone(),
            shape: strip_shape(&f.shape),
            description: String::new(),
            example: None,
            line: 0,
        }
    }
    fn strip_shape(s: &FieldShape) -> FieldShape {
        match s {
            FieldShape::Scalar { .. } => s.clone(),
            FieldShape::Struct { fields, .. } => FieldShape::Struct {
                type_name: String::new(),
                fields: fields.iter().map(strip).collect(),
            },
            FieldShape::Array { wrapper, item } => FieldShape::Array {
                wrapper: wrapper.clone(),
                item: Box::new(strip_shape(item)),
            },
        }
    }
    let stripped: Vec<Field> = fields.iter().map(strip).collect();
    serde_json::to_string(&stripped).unwrap_or_default()
}

fn record<T: Clone>(
    map: &mut BTreeMap<String, Entry<T>>,
    key: String,
    wanted: &str,
    items: &[T],
    op: &str,
    feature: Option<&String>,
) {
    let e = map.entry(key).or_insert_with(|| Entry {
        wanted: wanted.to_string(),
        first: items.to_vec(),
        first_op: op.to_string(),
        ops: BTreeSet::new(),
        features: BTreeSet::new(),
        name: String::new(),
    });
    e.ops.insert(op.to_string());
    e.features.extend(feature.cloned());
}

impl TypeTable {
    pub(crate) fn build(
        ops: &[&OpSource<'_>],
        target: Target,
        _modules: &BTreeMap<String, String>,
    ) -> Result<TypeTable, EmitError> {
        let mut table = TypeTable {
            request: BTreeMap::new(),
            response: BTreeMap::new(),
            target,
            all_features: BTreeSet::new(),
        };
        for op in ops {
            let name = &op.spec.operation.name;
            let feature = op
                .category
                .as_deref()
                .filter(|_| target == Target::InCrate)
                .map(feature_name);
            table.all_features.extend(feature.clone());
            table.walk_params(&op.spec.operation.request, name, feature.as_ref());
            table.walk_fields(&op.spec.operation.response, name, feature.as_ref());
        }
        let mut taken = BTreeSet::new();
        assign_names(&mut table.request, &mut taken);
        assign_names(&mut table.response, &mut taken);
        Ok(table)
    }

    fn walk_params(&mut self, params: &[Param], op: &str, feature: Option<&String>) {
        for p in params {
            let shape = match &p.shape {
                Shape::List { item, .. } => item.as_ref(),
                s => s,
            };
            if let Shape::Struct { type_name, members } = shape {
                record(
                    &mut self.request,
                    request_key(members),
                    type_name,
                    members,
                    op,
                    feature,
                );
                self.walk_params(members, op, feature);
            }
        }
    }

    fn walk_fields(&mut self, fields: &[Field], op: &str, feature: Option<&String>) {
        for f in fields {
            let mut shape = &f.shape;
            while let FieldShape::Array { item, .. } = shape {
                shape = item;
            }
            if let FieldShape::Struct { type_name, fields } = shape {
                record(
                    &mut self.response,
                    response_key(fields),
                    type_name,
                    fields,
                    op,
                    feature,
                );
                self.walk_fields(fields, op, feature);
            }
        }
    }

    /// Path of the shared type of a request shape.
    pub(crate) fn request_type(&self, members: &[Param]) -> TokenStream {
        let name = self
            .request
            .get(&request_key(members))
            .map_or("Unknown", |e| e.name.as_str());
        let id = ident(name);
        quote!(crate::types::#id)
    }

    pub(crate) fn response_type(&self, fields: &[Field]) -> TokenStream {
        let name = self
            .response
            .get(&response_key(fields))
            .map_or("Unknown", |e| e.name.as_str());
        let id = ident(name);
        quote!(crate::types::#id)
    }

    fn cfg(&self, features: &BTreeSet<String>) -> Option<TokenStream> {
        if self.target != Target::InCrate || features.is_empty() || *features == self.all_features {
            return None;
        }
        if let [one] = features.iter().collect::<Vec<_>>().as_slice() {
            return Some(quote!(#[cfg(feature = #one)]));
        }
        let fs = features.iter();
        Some(quote!(#[cfg(any(#(feature = #fs),*))]))
    }

    /// The `types` module: every shared shape, request shapes first, each sorted by name.
    pub(crate) fn emit(&self) -> TokenStream {
        let mut items: BTreeMap<&str, TokenStream> = BTreeMap::new();
        for e in self.request.values() {
            items.insert(&e.name, self.request_item(e));
        }
        for e in self.response.values() {
            items.insert(&e.name, self.response_item(e));
        }
        let items = items.into_values();
        quote! {
            //! Shapes shared by operations: nested request values (`Tag`, `DataDisk`) and the
            //! structures inside responses. A shape used by several operations is one type.
            #![allow(clippy::doc_lazy_continuation)]
            #(#items)*
        }
    }

    fn used_by(ops: &BTreeSet<String>) -> String {
        let list: Vec<String> = ops.iter().take(8).map(|o| format!("`{o}`")).collect();
        let more = ops.len().saturating_sub(8);
        if more > 0 {
            format!(" Used by {} and {more} more.", list.join(", "))
        } else {
            format!(" Used by {}.", list.join(", "))
        }
    }

    fn request_item(&self, e: &Entry<Param>) -> TokenStream {
        let tn = ident(&e.name);
        let cfg = self.cfg(&e.features);
        let mut fs = Vec::new();
        for m in &e.first {
            match fields::field(&e.first_op, m, false, true, &e.first, self) {
                Ok(f) => fs.push(f),
                // A member with no wire form is left out of the shared type; the
                // operation that owns it reports the same problem.
                Err(_) => continue,
            }
        }
        dedupe_setters(&mut fs);
        let decls = fs.iter().map(|f| &f.decl);
        let setters = setter_methods(&fs, false);
        // The cfg goes with the impl itself: a bare one would gate whatever item comes next.
        let debug = redacting_debug(&tn, &fs).map(|d| quote!(#cfg #d));
        let from_params = super::operation::from_params_derive(self.target);
        let derive_debug = debug.is_none().then(|| quote!(Debug,));
        let doc = format!(
            " The `{}` value of a request.{}",
            e.wanted,
            Self::used_by(&e.ops)
        );
        quote! {
            #[doc = #doc]
            #cfg
            #[derive(#derive_debug Clone, PartialEq, Default, ::ecs_api::ToParams, ::ecs_api::Validate)]
            #from_params
            #[non_exhaustive]
            pub struct #tn { #(#decls)* }

            #cfg
            #[allow(deprecated)]
            impl #tn {
                /// An empty value; set its members with the methods below.
                pub fn new() -> Self { Self::default() }
                #(#setters)*
            }
            #debug
        }
    }

    fn response_item(&self, e: &Entry<Field>) -> TokenStream {
        let tn = ident(&e.name);
        let cfg = self.cfg(&e.features);
        let in_crate = self.target == Target::InCrate;
        let fs = output::fields(&e.first, self, in_crate);
        let derives = output::derives(in_crate);
        let decode = output::decode_impl(&tn, &e.first, self, cfg.as_ref());
        let doc = format!(" A `{}` in a response.{}", e.wanted, Self::used_by(&e.ops));
        quote! {
            #[doc = #doc]
            #cfg
            #derives
            #[non_exhaustive]
            pub struct #tn { #(#fs)* }
            #decode
        }
    }
}

/// Gives every distinct shape a unique name: per wanted name, the shape most operations use
/// keeps it, the rest get the first user's operation name as a prefix.
fn assign_names<T>(map: &mut BTreeMap<String, Entry<T>>, taken: &mut BTreeSet<String>) {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, e) in map.iter() {
        groups
            .entry(e.wanted.clone())
            .or_default()
            .push(key.clone());
    }
    for (wanted, mut keys) in groups {
        keys.sort_by(|a, b| {
            let (ea, eb) = (&map[a], &map[b]);
            eb.ops
                .len()
                .cmp(&ea.ops.len())
                .then_with(|| ea.first_op.cmp(&eb.first_op))
                .then_with(|| a.cmp(b))
        });
        for (i, key) in keys.iter().enumerate() {
            let e = map.get_mut(key).expect("key from this map");
            let base = if i == 0 && !taken.contains(&wanted) {
                wanted.clone()
            } else if i == 0 {
                // A response shape named like a request shape (`Tag`): the request keeps the
                // plain name, since users build it; the most used response shape is `TagInfo`.
                format!("{wanted}Info")
            } else {
                format!("{}{wanted}", e.first_op)
            };
            let mut name = base.clone();
            let mut n = 2;
            while taken.contains(&name) {
                name = format!("{base}{n}");
                n += 1;
            }
            taken.insert(name.clone());
            e.name = name;
        }
    }
}
