#[derive(ecs_api::Validate)]
struct Input {
    #[ecs(wire = "Name", range(min = 1, max = 9))]
    name: Option<String>,
}

fn main() {}
