#[derive(ecs_api::Validate)]
struct Input {
    #[ecs(wire = "Name", charset = "z-a")]
    name: Option<String>,
}

fn main() {}
