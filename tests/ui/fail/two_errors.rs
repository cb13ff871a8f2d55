// Every mistake in a struct is reported in one build, not only the first.
#[derive(ecs_api::Validate)]
struct Input {
    #[ecs(wire = "Period", length(max = 3))]
    period: Option<i32>,
    #[ecs(wire = "Force", one_of("1", "2"))]
    force: Option<bool>,
}

fn main() {}
