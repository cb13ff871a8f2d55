// Attributes of one field read as one list, across `#[ecs]` attributes: a rule comes once.
#[derive(ecs_api::Validate)]
struct Input {
    #[ecs(wire = "Name", length(max = 128))]
    #[ecs(length(min = 2))]
    name: Option<String>,
}

fn main() {}
