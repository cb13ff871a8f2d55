//! Derives for ecs-api request types: `ToParams` (flatten to RPC query pairs), `FromParams` (parse
//! them back) and `Validate` (the documented constraints).
//!
//! The generator writes the attributes; a person can write them by hand for an operation that has
//! no doc yet:
//!
//! ```ignore
//! #[derive(ToParams, FromParams, Validate)]
//! #[ecs(exclusive(disk_ids, exclude_disk_ids))]
//! pub struct Input {
//!     #[ecs(wire = "Name", length(min = 2, max = 128), charset = "A-Za-z0-9._:-",
//!           first_char = "A-Za-z0-9", not_prefix("http://", "https://"),
//!           error_code = "InvalidSnapshotName.Malformed")]
//!     pub name: Option<String>,
//!     #[ecs(wire = "Tag", nested, count(max = 20))]
//!     pub tags: Vec<Tag>,
//! }
//! ```

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{
    Data, DeriveInput, Error, Expr, ExprLit, Fields, GenericArgument, Ident, Lit, LitStr, Meta,
    PathArguments, Result, Token, Type, punctuated::Punctuated,
};

#[proc_macro_derive(ToParams, attributes(ecs))]
pub fn derive_to_params(input: TokenStream) -> TokenStream {
    expand(input, to_params)
}

#[proc_macro_derive(FromParams, attributes(ecs))]
pub fn derive_from_params(input: TokenStream) -> TokenStream {
    expand(input, from_params)
}

#[proc_macro_derive(Validate, attributes(ecs))]
pub fn derive_validate(input: TokenStream) -> TokenStream {
    expand(input, validate)
}

fn expand(input: TokenStream, f: fn(&Model) -> TokenStream2) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    match Model::parse(&input) {
        Ok(model) => f(&model).into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// The struct as the attributes describe it.
struct Model {
    ident: Ident,
    fields: Vec<FieldModel>,
    /// Pairs of fields that cannot both be set.
    exclusive: Vec<(Ident, Ident)>,
}

#[derive(Clone, Copy, PartialEq)]
enum Card {
    /// `T`: always present.
    Plain,
    /// `Option<T>`
    Optional,
    /// `Vec<T>`: sent as `wire.1`, `wire.2`, …
    List,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Integer,
    Bool,
    Float,
    /// Any other scalar implementing `WireScalar` (e.g. `serde_json::Value`).
    OtherScalar,
    /// A struct that derives these traits itself.
    Nested,
}

struct FieldModel {
    ident: Ident,
    card: Card,
    kind: Kind,
    inner: Type,
    wire: LitStr,
    required: bool,
    error_code: Option<LitStr>,
    rules: Vec<FieldRule>,
    condition: Option<(Ident, LitStr)>,
}

enum FieldRule {
    Length(Option<u64>, Option<u64>),
    Range(Option<i64>, Option<i64>),
    Count(Option<u64>, Option<u64>),
    Charset(LitStr),
    FirstChar(LitStr),
    NotPrefix(Vec<LitStr>),
    NotContains(Vec<LitStr>),
    OneOf(Vec<LitStr>),
}

impl FieldRule {
    /// Kept in lenient mode: the rules docs rarely get wrong.
    fn lenient(&self) -> bool {
        matches!(self, FieldRule::Range(..) | FieldRule::Count(..))
    }
}

fn unwrap_generic<'a>(ty: &'a Type, wrapper: &str) -> Option<&'a Type> {
    let Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != wrapper {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

fn scalar_kind(ty: &Type) -> Kind {
    let Type::Path(p) = ty else {
        return Kind::OtherScalar;
    };
    match p
        .path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .as_deref()
    {
        Some("String") => Kind::Text,
        Some("i32" | "i64" | "u32" | "u64") => Kind::Integer,
        Some("bool") => Kind::Bool,
        Some("f64") => Kind::Float,
        _ => Kind::OtherScalar,
    }
}

fn lit_str(expr: &Expr) -> Result<LitStr> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(s.clone()),
        other => Err(Error::new(other.span(), "expected a string literal")),
    }
}

fn parse_int<T: std::str::FromStr>(expr: &Expr) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    // Accept `-5` as well as `5`.
    let text = quote!(#expr).to_string().replace(' ', "");
    text.parse::<T>()
        .map_err(|e| Error::new(expr.span(), format!("expected an integer: {e}")))
}

/// Reads `min = A, max = B` from `name(min = A, max = B)`.
fn bounds<T: std::str::FromStr>(meta: &Meta) -> Result<(Option<T>, Option<T>)>
where
    T::Err: std::fmt::Display,
{
    let list = meta.require_list()?;
    let items = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)?;
    let (mut min, mut max) = (None, None);
    for item in &items {
        let nv = item.require_name_value()?;
        if nv.path.is_ident("min") {
            min = Some(parse_int(&nv.value)?);
        } else if nv.path.is_ident("max") {
            max = Some(parse_int(&nv.value)?);
        } else {
            return Err(Error::new(nv.path.span(), "expected `min` or `max`"));
        }
    }
    if min.is_none() && max.is_none() {
        return Err(Error::new(list.span(), "give `min`, `max` or both"));
    }
    Ok((min, max))
}

fn strings(meta: &Meta) -> Result<Vec<LitStr>> {
    let list = meta.require_list()?;
    let items = list.parse_args_with(Punctuated::<LitStr, Token![,]>::parse_terminated)?;
    if items.is_empty() {
        return Err(Error::new(list.span(), "give at least one string"));
    }
    Ok(items.into_iter().collect())
}

/// A character-class body must make a valid regex; checked here so a typo fails the build.
fn class(lit: LitStr) -> Result<LitStr> {
    let pattern = format!("^[{}]$", lit.value());
    regex::Regex::new(&pattern)
        .map_err(|e| Error::new(lit.span(), format!("invalid character class: {e}")))?;
    Ok(lit)
}

impl Model {
    fn parse(input: &DeriveInput) -> Result<Model> {
        let Data::Struct(data) = &input.data else {
            return Err(Error::new(
                input.ident.span(),
                "ecs-api derives support structs with named fields only",
            ));
        };
        let Fields::Named(named) = &data.fields else {
            return Err(Error::new(
                input.ident.span(),
                "ecs-api derives support structs with named fields only",
            ));
        };
        if !input.generics.params.is_empty() {
            return Err(Error::new(
                input.generics.span(),
                "ecs-api derives do not support generic structs",
            ));
        }
        let mut fields = Vec::new();
        for f in &named.named {
            fields.push(parse_field(f)?);
        }
        let mut exclusive = Vec::new();
        for attr in input.attrs.iter().filter(|a| a.path().is_ident("ecs")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("exclusive") {
                    let content;
                    syn::parenthesized!(content in meta.input);
                    let names = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?;
                    let names: Vec<Ident> = names.into_iter().collect();
                    if names.len() != 2 {
                        return Err(meta.error("`exclusive` takes exactly two field names"));
                    }
                    for n in &names {
                        if !fields.iter().any(|f| f.ident == *n) {
                            return Err(Error::new(n.span(), format!("no field named `{n}`")));
                        }
                    }
                    exclusive.push((names[0].clone(), names[1].clone()));
                    Ok(())
                } else {
                    Err(meta.error("unknown struct attribute; expected `exclusive(a, b)`"))
                }
            })?;
        }
        for f in &fields {
            if let Some((other, _)) = &f.condition
                && !fields.iter().any(|g| g.ident == *other)
            {
                return Err(Error::new(
                    other.span(),
                    format!("no field named `{other}`"),
                ));
            }
        }
        Ok(Model {
            ident: input.ident.clone(),
            fields,
            exclusive,
        })
    }
}

fn parse_field(f: &syn::Field) -> Result<FieldModel> {
    let ident = f
        .ident
        .clone()
        .ok_or_else(|| Error::new(f.span(), "expected a named field"))?;
    let (card, inner) = if let Some(t) = unwrap_generic(&f.ty, "Option") {
        (Card::Optional, t.clone())
    } else if let Some(t) = unwrap_generic(&f.ty, "Vec") {
        (Card::List, t.clone())
    } else {
        (Card::Plain, f.ty.clone())
    };
    let mut wire = None;
    let mut required = false;
    let mut nested = false;
    let mut error_code = None;
    let mut rules = Vec::new();
    let mut condition = None;
    for attr in f.attrs.iter().filter(|a| a.path().is_ident("ecs")) {
        let metas = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)?;
        for meta in &metas {
            let path = meta.path();
            let name = path.get_ident().map(|i| i.to_string()).unwrap_or_default();
            match name.as_str() {
                "wire" => wire = Some(lit_str(&meta.require_name_value()?.value)?),
                "required" => {
                    meta.require_path_only()?;
                    required = true;
                }
                "nested" => {
                    meta.require_path_only()?;
                    nested = true;
                }
                "error_code" => error_code = Some(lit_str(&meta.require_name_value()?.value)?),
                "length" => {
                    let (a, b) = bounds(meta)?;
                    rules.push((path.span(), FieldRule::Length(a, b)));
                }
                "range" => {
                    let (a, b) = bounds(meta)?;
                    rules.push((path.span(), FieldRule::Range(a, b)));
                }
                "count" => {
                    let (a, b) = bounds(meta)?;
                    rules.push((path.span(), FieldRule::Count(a, b)));
                }
                "charset" => rules.push((
                    path.span(),
                    FieldRule::Charset(class(lit_str(&meta.require_name_value()?.value)?)?),
                )),
                "first_char" => rules.push((
                    path.span(),
                    FieldRule::FirstChar(class(lit_str(&meta.require_name_value()?.value)?)?),
                )),
                "not_prefix" => rules.push((path.span(), FieldRule::NotPrefix(strings(meta)?))),
                "not_contains" => rules.push((path.span(), FieldRule::NotContains(strings(meta)?))),
                "one_of" => rules.push((path.span(), FieldRule::OneOf(strings(meta)?))),
                "condition" => {
                    let list = meta.require_list()?;
                    let items =
                        list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)?;
                    let (mut field, mut equals) = (None, None);
                    for item in &items {
                        let nv = item.require_name_value()?;
                        if nv.path.is_ident("field") {
                            match &nv.value {
                                Expr::Path(p) if p.path.get_ident().is_some() => {
                                    field = p.path.get_ident().cloned()
                                }
                                other => {
                                    return Err(Error::new(other.span(), "expected a field name"));
                                }
                            }
                        } else if nv.path.is_ident("equals") {
                            equals = Some(lit_str(&nv.value)?);
                        } else {
                            return Err(Error::new(nv.path.span(), "expected `field` or `equals`"));
                        }
                    }
                    match (field, equals) {
                        (Some(a), Some(b)) => condition = Some((a, b)),
                        _ => {
                            return Err(Error::new(
                                list.span(),
                                "`condition` needs `field = name, equals = \"value\"`",
                            ));
                        }
                    }
                }
                _ => {
                    return Err(Error::new(
                        path.span(),
                        "unknown ecs attribute; expected one of: wire, required, nested, \
                         error_code, length, range, count, charset, first_char, not_prefix, \
                         not_contains, one_of, condition",
                    ));
                }
            }
        }
    }
    let wire = wire.ok_or_else(|| {
        Error::new(
            ident.span(),
            format!("field `{ident}` needs #[ecs(wire = \"WireName\")]"),
        )
    })?;
    if wire.value().is_empty() || wire.value().contains(['.', '&', '=']) {
        return Err(Error::new(
            wire.span(),
            "a wire name is one segment without `.`, `&` or `=`",
        ));
    }
    let kind = if nested {
        Kind::Nested
    } else {
        scalar_kind(&inner)
    };
    // Type checks: a rule that cannot apply to the field's type is a mistake.
    let mut checked = Vec::new();
    for (span, rule) in rules {
        let ok = match &rule {
            FieldRule::Length(..)
            | FieldRule::Charset(_)
            | FieldRule::FirstChar(_)
            | FieldRule::NotPrefix(_)
            | FieldRule::NotContains(_)
            | FieldRule::OneOf(_) => kind == Kind::Text,
            FieldRule::Range(..) => kind == Kind::Integer,
            FieldRule::Count(..) => card == Card::List,
        };
        if !ok {
            let what = match &rule {
                FieldRule::Range(..) => "an integer field (i32, i64, u32, u64)",
                FieldRule::Count(..) => "a `Vec` field",
                _ => "a `String` field",
            };
            return Err(Error::new(
                span,
                format!("this rule applies only to {what}"),
            ));
        }
        checked.push(rule);
    }
    if required && card == Card::Plain {
        return Err(Error::new(
            ident.span(),
            "`required` is for `Option` or `Vec` fields; a plain field is always set",
        ));
    }
    Ok(FieldModel {
        ident,
        card,
        kind,
        inner,
        wire,
        required,
        error_code,
        rules: checked,
        condition,
    })
}

/// Lists longer than this get their item keys formatted at run time (keeps the tables small).
const MAX_STATIC_ITEM_KEYS: u64 = 128;

fn to_params(m: &Model) -> TokenStream2 {
    let ident = &m.ident;
    let writes = m.fields.iter().map(|f| {
        let name = &f.ident;
        let wire = &f.wire;
        let span = f.ident.span();
        let scalar = quote_spanned!(span=> ::ecs_api::wire::WireScalar::to_wire(v));
        match (f.card, f.kind) {
            (Card::Plain, Kind::Nested) => quote! {
                { let v = &self.#name; ::ecs_api::wire::ToParams::write_params(v, &::ecs_api::wire::key(prefix, #wire), out); }
            },
            (Card::Optional, Kind::Nested) => quote! {
                if let Some(v) = &self.#name {
                    ::ecs_api::wire::ToParams::write_params(v, &::ecs_api::wire::key(prefix, #wire), out);
                }
            },
            (Card::List, Kind::Nested) => quote! {
                if !self.#name.is_empty() {
                    let list_key = ::ecs_api::wire::key(prefix, #wire);
                    // One buffer for every item's prefix: the items copy what they keep.
                    let mut item = ::std::string::String::with_capacity(list_key.len() + 4);
                    for (i, v) in self.#name.iter().enumerate() {
                        ::ecs_api::wire::item_key_into(&mut item, &list_key, i);
                        ::ecs_api::wire::ToParams::write_params(v, &item, out);
                    }
                }
            },
            (Card::Plain, _) => quote! {
                { let v = &self.#name; out.push((::ecs_api::wire::key(prefix, #wire), #scalar)); }
            },
            (Card::Optional, _) => quote! {
                if let Some(v) = &self.#name {
                    out.push((::ecs_api::wire::key(prefix, #wire), #scalar));
                }
            },
            (Card::List, _) => {
                // Top-level item keys up to the documented count are static: no allocation per item.
                let max = f
                    .rules
                    .iter()
                    .find_map(|r| match r {
                        FieldRule::Count(_, max) => *max,
                        _ => None,
                    })
                    .unwrap_or(0)
                    .min(MAX_STATIC_ITEM_KEYS);
                let keys = (1..=max).map(|n| format!("{}.{n}", wire.value()));
                quote! {
                    if !self.#name.is_empty() {
                        const KEYS: &[&str] = &[#(#keys),*];
                        let list_key = ::ecs_api::wire::key(prefix, #wire);
                        for (i, v) in self.#name.iter().enumerate() {
                            let k = match KEYS.get(i) {
                                ::std::option::Option::Some(k) if prefix.is_empty() => ::std::borrow::Cow::Borrowed(*k),
                                _ => ::std::borrow::Cow::Owned(::ecs_api::wire::item_key(&list_key, i)),
                            };
                            out.push((k, #scalar));
                        }
                    }
                }
            }
        }
    });
    let counts = m.fields.iter().map(|f| {
        let name = &f.ident;
        match (f.card, f.kind) {
            (Card::Plain, Kind::Nested) => {
                quote!(::ecs_api::wire::ToParams::params_len_hint(&self.#name))
            }
            (Card::Optional, Kind::Nested) => quote! {
                self.#name.as_ref().map_or(0, ::ecs_api::wire::ToParams::params_len_hint)
            },
            (Card::List, Kind::Nested) => quote! {
                self.#name.iter().map(::ecs_api::wire::ToParams::params_len_hint).sum::<usize>()
            },
            (Card::Plain, _) => quote!(1usize),
            (Card::Optional, _) => quote!(usize::from(self.#name.is_some())),
            (Card::List, _) => quote!(self.#name.len()),
        }
    });
    quote! {
        #[automatically_derived]
        #[allow(deprecated)]
        impl ::ecs_api::wire::ToParams for #ident {
            fn write_params<'ecs>(&'ecs self, prefix: &str, out: &mut ::std::vec::Vec<::ecs_api::wire::Pair<'ecs>>) {
                #(#writes)*
            }
            fn params_len_hint(&self) -> usize {
                0usize #(+ #counts)*
            }
        }
    }
}

fn option_code(code: &Option<LitStr>) -> TokenStream2 {
    match code {
        Some(c) => quote!(::std::option::Option::Some(#c)),
        None => quote!(::std::option::Option::None),
    }
}

fn from_params(m: &Model) -> TokenStream2 {
    let ident = &m.ident;
    let locals: Vec<Ident> = m
        .fields
        .iter()
        .map(|f| Ident::new(&format!("field_{}", f.ident), Span::call_site()))
        .collect();
    let reads = m.fields.iter().zip(&locals).map(|(f, local)| {
        let wire = &f.wire;
        let inner = &f.inner;
        let code = option_code(&f.error_code);
        let key = quote!(&::ecs_api::wire::key(prefix, #wire));
        let read = match (f.card, f.kind) {
            (Card::List, Kind::Nested) => {
                quote!(::ecs_api::wire::read::nested_list::<#inner>(params, #key, &mut errors))
            }
            (_, Kind::Nested) => {
                quote!(::ecs_api::wire::read::nested::<#inner>(params, #key, &mut errors))
            }
            (Card::List, _) => {
                quote!(::ecs_api::wire::read::list::<#inner>(params, #key, #code, &mut errors))
            }
            (_, _) => {
                quote!(::ecs_api::wire::read::scalar::<#inner>(params, #key, #code, &mut errors))
            }
        };
        let missing = if f.card == Card::Plain {
            quote! {
                if #local.is_none() && !errors.iter().any(|e| e.param.starts_with(&*::ecs_api::wire::key(prefix, #wire))) {
                    errors.push(::ecs_api::wire::read::missing(::ecs_api::wire::key(prefix, #wire).into_owned()));
                }
            }
        } else {
            quote!()
        };
        quote! { let #local = #read; #missing }
    });
    let builds = m.fields.iter().zip(&locals).map(|(f, local)| {
        let name = &f.ident;
        if f.card == Card::Plain {
            quote!(#name: #local.unwrap_or_default())
        } else {
            quote!(#name: #local)
        }
    });
    quote! {
        #[automatically_derived]
        #[allow(deprecated)]
        impl ::ecs_api::wire::FromParams for #ident {
            fn read_params(
                params: &mut ::ecs_api::wire::ParamMap,
                prefix: &str,
            ) -> ::std::result::Result<Self, ::std::vec::Vec<::ecs_api::wire::Violation>> {
                let mut errors = ::std::vec::Vec::new();
                #(#reads)*
                if !errors.is_empty() {
                    return ::std::result::Result::Err(errors);
                }
                ::std::result::Result::Ok(Self { #(#builds),* })
            }
        }
    }
}

fn opt_tokens<T: quote::ToTokens>(v: &Option<T>) -> TokenStream2 {
    match v {
        Some(x) => quote!(::std::option::Option::Some(#x)),
        None => quote!(::std::option::Option::None),
    }
}

/// Whether a field counts as set, for `required`, `exclusive` and `condition`.
fn is_set(f: &FieldModel) -> TokenStream2 {
    let name = &f.ident;
    match f.card {
        Card::Plain => quote!(true),
        Card::Optional => quote!(self.#name.is_some()),
        Card::List => quote!(!self.#name.is_empty()),
    }
}

fn validate(m: &Model) -> TokenStream2 {
    let ident = &m.ident;
    let mut body = Vec::new();
    for f in &m.fields {
        let name = &f.ident;
        let wire = &f.wire;
        let code = option_code(&f.error_code);
        let key = quote!(|| ::ecs_api::wire::key(prefix, #wire).into_owned());
        if f.required {
            let set = is_set(f);
            body.push(quote! {
                report.error(::ecs_api::wire::check::required(#set), #key, ::std::option::Option::Some("MissingParameter"));
            });
        }
        if let Some((other, value)) = &f.condition {
            let set = is_set(f);
            let other_field = m
                .fields
                .iter()
                .find(|g| g.ident == *other)
                .expect("checked in Model::parse");
            let other_wire = &other_field.wire;
            let met = match other_field.card {
                Card::Optional => quote! {
                    self.#other.as_ref().is_some_and(|v| ::ecs_api::wire::WireScalar::to_wire(v) == #value)
                },
                Card::Plain => quote!(::ecs_api::wire::WireScalar::to_wire(&self.#other) == #value),
                Card::List => quote!(!self.#other.is_empty()),
            };
            body.push(quote! {
                if strict {
                    report.warning(::ecs_api::wire::check::condition(#set, #met, #other_wire, #value), #key);
                }
            });
        }
        // Per-value checks, applied to the value, each item of a list, or recursed into.
        let mut value_checks = Vec::new();
        for rule in &f.rules {
            let gate = if rule.lenient() {
                quote!(true)
            } else {
                quote!(strict)
            };
            let check = match rule {
                FieldRule::Length(a, b) => {
                    let (a, b) = (opt_tokens(a), opt_tokens(b));
                    quote!(::ecs_api::wire::check::length(v, #a, #b))
                }
                FieldRule::Range(a, b) => {
                    let (a, b) = (opt_tokens(a), opt_tokens(b));
                    quote!(::ecs_api::wire::check::range(::ecs_api::wire::WireScalar::as_i64(v), #a, #b))
                }
                FieldRule::Count(..) => continue,
                FieldRule::Charset(class) => {
                    let pattern = format!("^[{}]$", class.value());
                    quote! {{
                        static CLASS: ::std::sync::LazyLock<::ecs_api::wire::check::CharClass> =
                            ::std::sync::LazyLock::new(|| ::ecs_api::wire::check::CharClass::new(#pattern).expect("checked at compile time"));
                        ::ecs_api::wire::check::charset_in(v, &CLASS, #class)
                    }}
                }
                FieldRule::FirstChar(class) => {
                    let pattern = format!("^[{}]$", class.value());
                    quote! {{
                        static CLASS: ::std::sync::LazyLock<::ecs_api::wire::check::CharClass> =
                            ::std::sync::LazyLock::new(|| ::ecs_api::wire::check::CharClass::new(#pattern).expect("checked at compile time"));
                        ::ecs_api::wire::check::first_char_in(v, &CLASS, #class)
                    }}
                }
                FieldRule::NotPrefix(list) => {
                    quote!(::ecs_api::wire::check::not_prefix(v, &[#(#list),*]))
                }
                FieldRule::NotContains(list) => {
                    quote!(::ecs_api::wire::check::not_contains(v, &[#(#list),*]))
                }
                FieldRule::OneOf(list) => quote!(::ecs_api::wire::check::one_of(v, &[#(#list),*])),
            };
            value_checks.push(quote! {
                if #gate { report.error(#check, &item_key, #code); }
            });
        }
        for rule in &f.rules {
            if let FieldRule::Count(a, b) = rule {
                let (a, b) = (opt_tokens(a), opt_tokens(b));
                body.push(quote! {
                    report.error(::ecs_api::wire::check::count(self.#name.len(), #a, #b), #key, #code);
                });
            }
        }
        let text_binding = if f.kind == Kind::Text {
            quote!(let v: &str = v.as_str();)
        } else {
            quote!()
        };
        match (f.card, f.kind) {
            (Card::Plain, Kind::Nested) => body.push(quote! {
                ::ecs_api::wire::Validate::validate_into(&self.#name, &::ecs_api::wire::key(prefix, #wire), mode, report);
            }),
            (Card::Optional, Kind::Nested) => body.push(quote! {
                if let Some(v) = &self.#name {
                    ::ecs_api::wire::Validate::validate_into(v, &::ecs_api::wire::key(prefix, #wire), mode, report);
                }
            }),
            (Card::List, Kind::Nested) => body.push(quote! {
                if !self.#name.is_empty() {
                    let list_key = ::ecs_api::wire::key(prefix, #wire);
                    // One buffer for every item's prefix: reports copy what they keep.
                    let mut item = ::std::string::String::with_capacity(list_key.len() + 4);
                    for (i, v) in self.#name.iter().enumerate() {
                        ::ecs_api::wire::item_key_into(&mut item, &list_key, i);
                        ::ecs_api::wire::Validate::validate_into(v, &item, mode, report);
                    }
                }
            }),
            _ if value_checks.is_empty() => {}
            (Card::Plain, _) => body.push(quote! {
                { let v = &self.#name; #text_binding let item_key = #key; #(#value_checks)* }
            }),
            (Card::Optional, _) => body.push(quote! {
                if let Some(v) = &self.#name { #text_binding let item_key = #key; #(#value_checks)* }
            }),
            (Card::List, _) => body.push(quote! {
                for (i, v) in self.#name.iter().enumerate() {
                    #text_binding
                    let item_key = || ::ecs_api::wire::item_key(&::ecs_api::wire::key(prefix, #wire), i);
                    #(#value_checks)*
                }
            }),
        }
    }
    for (a, b) in &m.exclusive {
        let fa = m.fields.iter().find(|f| f.ident == *a).expect("checked");
        let fb = m.fields.iter().find(|f| f.ident == *b).expect("checked");
        let (sa, sb) = (is_set(fa), is_set(fb));
        let (wa, wb) = (&fa.wire, &fb.wire);
        body.push(quote! {
            report.error(
                ::ecs_api::wire::check::exclusive(#sa && #sb, #wb),
                || ::ecs_api::wire::key(prefix, #wa).into_owned(),
                ::std::option::Option::Some("InvalidParameter"),
            );
        });
    }
    quote! {
        #[automatically_derived]
        #[allow(deprecated, unused_variables, clippy::redundant_closure)]
        impl ::ecs_api::wire::Validate for #ident {
            fn validate_into(
                &self,
                prefix: &str,
                mode: ::ecs_api::wire::ValidationMode,
                report: &mut ::ecs_api::wire::ValidationReport,
            ) {
                if mode == ::ecs_api::wire::ValidationMode::Off {
                    return;
                }
                let strict = mode == ::ecs_api::wire::ValidationMode::Strict;
                #(#body)*
            }
        }
    }
}
