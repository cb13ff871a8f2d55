#[derive(ecs_api::ToParams)]
struct Input {
    #[ecs(wire = "Name", maximum = 3)]
    name: Option<String>,
}

fn main() {}
