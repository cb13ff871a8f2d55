//! Pages with thousands of params must compile: no expansion may nest deeper, or bind more `let`s
//! in one block, as the field count grows (each `let` opens a debuginfo scope nested in the
//! previous one, and LLVM recursed through 4,000 of them until rustc overflowed its stack).

use syn::visit::{self, Visit};

use crate::model::Model;

/// A struct with `n` fields of every shape the generator writes.
fn input(n: usize) -> syn::DeriveInput {
    let mut fields = String::new();
    for i in 0..n {
        fields.push_str(&match i % 7 {
            0 => format!("#[ecs(wire = \"S{i}\", length(min = 2, max = 128), charset = \"a-z\")] pub s{i}: Option<String>,"),
            1 => format!("#[ecs(wire = \"I{i}\", range(min = 1, max = 100))] pub i{i}: Option<i32>,"),
            2 => format!("#[ecs(wire = \"L{i}\", count(min = 1, max = 16))] pub l{i}: Vec<String>,"),
            3 => format!("#[ecs(wire = \"J{i}\", json, count(max = 100), length(max = 64))] pub j{i}: Vec<String>,"),
            4 => format!("#[ecs(wire = \"P{i}\", sensitive, length(min = 8, max = 30))] pub p{i}: Option<String>,"),
            5 => format!("#[ecs(wire = \"N{i}\", nested, count(max = 20))] pub n{i}: Vec<Tag>,"),
            _ => format!("#[ecs(wire = \"R{i}\")] pub r{i}: String,"),
        });
    }
    syn::parse_str(&format!("pub struct Big {{ {fields} }}")).unwrap()
}

#[derive(Default)]
struct Shape {
    lets_in_a_block: usize,
    expr_depth: usize,
    depth: usize,
}

impl<'a> Visit<'a> for Shape {
    fn visit_block(&mut self, b: &'a syn::Block) {
        let lets = b
            .stmts
            .iter()
            .filter(|s| matches!(s, syn::Stmt::Local(_)))
            .count();
        self.lets_in_a_block = self.lets_in_a_block.max(lets);
        visit::visit_block(self, b);
    }
    fn visit_expr(&mut self, e: &'a syn::Expr) {
        self.depth += 1;
        self.expr_depth = self.expr_depth.max(self.depth);
        visit::visit_expr(self, e);
        self.depth -= 1;
    }
}

type Expand = fn(&Model) -> proc_macro2::TokenStream;

fn shape(expand: Expand, n: usize) -> (usize, usize) {
    let model = Model::parse(&input(n)).unwrap();
    let file: syn::File = syn::parse2(expand(&model)).unwrap();
    let mut s = Shape::default();
    s.visit_file(&file);
    (s.lets_in_a_block, s.expr_depth)
}

#[test]
fn expansions_do_not_grow_deeper_with_the_field_count() {
    let derives: [(&str, Expand); 3] = [
        ("ToParams", crate::params::to_params),
        ("FromParams", crate::params::from_params),
        ("Validate", crate::validate::validate),
    ];
    for (name, expand) in derives {
        let (small, large) = (shape(expand, 14), shape(expand, 140));
        assert_eq!(
            small, large,
            "{name}: (lets in one block, expression depth)"
        );
    }
}
