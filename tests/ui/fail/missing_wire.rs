#[derive(ecs_api::ToParams)]
struct Input {
    #[ecs(length(max = 3))]
    name: Option<String>,
}

fn main() {}
