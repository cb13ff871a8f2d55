#[derive(ecs_api::ToParams)]
struct Input {
    #[ecs(wire = "InstanceIds", json, length(max = 64))]
    instance_ids: Option<String>,
}

fn main() {}
