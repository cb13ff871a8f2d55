#[derive(ecs_api::Validate)]
struct Input {
    #[ecs(wire = "Period", length(max = 3))]
    period: Option<i32>,
}

fn main() {}
