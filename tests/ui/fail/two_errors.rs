// Every mistake in a struct is reported in one build, not only the first.
#[derive(ecs_api::Validate)]
struct Input {
    #[ecs(wire = "Period", length(max = 3))]
    period: Option<i32>,
    #[ecs(wire = "Name", range(min = 1, max = 9))]
    name: Option<String>,
}

fn main() {}
