// A range fits integers and text holding a number, never a boolean.
#[derive(ecs_api::Validate)]
struct Input {
    #[ecs(wire = "Force", range(min = 1, max = 9))]
    force: Option<bool>,
}

fn main() {}
