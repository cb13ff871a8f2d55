// A second `wire` is an error at its own span, never a silent overwrite.
#[derive(ecs_api::ToParams)]
struct Input {
    #[ecs(wire = "Name", wire = "DisplayName")]
    name: Option<String>,
}

fn main() {}
