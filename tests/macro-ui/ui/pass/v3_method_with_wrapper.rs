use bitrix24::{bitrix_method, Method};

/// A REST 3.0 method whose payload sits in `result.item`.
#[bitrix_method(name = "tasks.task.get", version = "v3", scope = "task", result = serde_json::Value, wrapper = "item")]
pub struct TasksTaskGet {
    /// Task id.
    #[bitrix(min = 1)]
    pub id: i64,
    /// Fields to return.
    pub select: Option<Vec<String>>,
}

fn main() {
    assert_eq!(TasksTaskGet::RESULT_WRAPPER, Some("item"));
    assert_eq!(TasksTaskGet::VERSION, bitrix24::ApiVersion::V3);
    let _ = TasksTaskGet::new(5).select(vec!["id".to_owned()]);
}
