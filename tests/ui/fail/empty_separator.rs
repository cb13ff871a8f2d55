// Items joined by nothing cannot be counted.
#[derive(ecs_api::Validate)]
struct Input {
    #[ecs(wire = "TaskIds", count(max = 100, separator = ""))]
    task_ids: Option<String>,
}

fn main() {}
