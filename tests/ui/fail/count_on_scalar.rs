#[derive(ecs_api::Validate)]
struct Input {
    #[ecs(wire = "DiskId", count(max = 16))]
    disk_id: Option<String>,
}

fn main() {}
