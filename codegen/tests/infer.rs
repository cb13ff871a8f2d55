//! What the generator infers from a page as a whole, each rule on a small page of its own:
//! idempotency token, read-only, secrets, JSON-array strings, both paging styles, and the
//! operation name from the OpenAPI Explorer link when the title misspells it.

use codegen::spec::{PageStyle, Param, ScalarType, Shape, Spec};

/// Parses a test page that names no service, as `--product Test --version 2020-01-01` would.
fn parse_doc(path: &str, text: &str) -> Result<codegen::spec::Spec, codegen::ParseError> {
    let hint = codegen::ServiceHint {
        product: Some("Test".into()),
        version: Some("2020-01-01".into()),
    };
    codegen::parse_doc_with(path, text, &hint)
}

/// A page with the given request rows and response rows (`|Name|Type|Example|Description|`).
fn page(title: &str, request: &[&str], response: &[&str]) -> Spec {
    let mut doc = format!(
        "# {title}\n\nDoes something.\n\n## Request parameters\n\n\
         |Parameter|Type|Required|Example|Description|\n|---|---|---|---|---|\n\
         |RegionId|String|Yes|cn-hangzhou|The region ID.|\n"
    );
    for row in request {
        doc.push_str(row);
        doc.push('\n');
    }
    doc.push_str(
        "\n## Response parameters\n\n|Parameter|Type|Example|Description|\n|---|---|---|---|\n\
         |RequestId|String|473469C7|The request ID.|\n",
    );
    for row in response {
        doc.push_str(row);
        doc.push('\n');
    }
    parse_doc("infer.md", &doc).unwrap_or_else(|e| panic!("{e}\n{doc}"))
}

fn param<'a>(spec: &'a Spec, wire: &str) -> &'a Param {
    spec.operation
        .request
        .iter()
        .find(|p| p.wire_name == wire)
        .unwrap_or_else(|| panic!("no param {wire}"))
}

#[test]
fn a_client_token_param_is_the_idempotency_token() {
    let with = page(
        "CreateWidget",
        &["|ClientToken|String|No|abc|Ensures idempotence.|"],
        &[],
    );
    assert_eq!(
        with.operation.idempotency_token.as_deref(),
        Some("ClientToken")
    );
    let without = page("CreateWidget", &["|Name|String|No|w|The name.|"], &[]);
    assert_eq!(without.operation.idempotency_token, None);
}

#[test]
fn read_only_is_read_from_the_verb() {
    for (name, read_only) in [
        ("DescribeWidgets", true),
        ("ListWidgets", true),
        ("DeleteWidget", false),
        ("RunWidgets", false),
        // A verb that merely starts like a read-only one.
        ("Describer", false),
    ] {
        assert_eq!(
            page(name, &[], &[]).operation.read_only,
            read_only,
            "{name}"
        );
    }
}

#[test]
fn passwords_and_keys_are_sensitive_but_names_and_ids_are_not() {
    let spec = page(
        "CreateWidget",
        &[
            "|Password|String|No|Abc12345!|The password.|",
            "|VncPassword|String|No|123456|The VNC password.|",
            "|PasswordInherit|Boolean|No|false|Use the image's password.|",
            "|KeyPairName|String|No|kp|The key pair.|",
            "|AccessKeyId|String|No|LTAI|Whose key.|",
        ],
        &[],
    );
    assert!(param(&spec, "Password").sensitive);
    assert!(param(&spec, "VncPassword").sensitive);
    assert!(
        !param(&spec, "PasswordInherit").sensitive,
        "a boolean is no secret"
    );
    assert!(!param(&spec, "KeyPairName").sensitive);
    assert!(!param(&spec, "AccessKeyId").sensitive, "an id names a key");
}

#[test]
fn a_string_documented_as_a_json_array_is_a_list_sent_as_json() {
    let spec = page(
        "DescribeWidgets",
        &[
            "|WidgetIds|String|No|\\[\"w-1\", \"w-2\"\\]|The IDs. The value can be a JSON array of up to 100 widget IDs.|",
            "|Sizes|String|No|\\[1, 2\\]|The sizes.|",
            "|Filter|String|No|{\"a\":1}|A JSON document, not an array.|",
        ],
        &[],
    );
    let list_of = |p: &Param| match &p.shape {
        Shape::List {
            item,
            json_array: true,
        } => match item.as_ref() {
            Shape::Scalar { ty } => Some(*ty),
            _ => None,
        },
        _ => None,
    };
    assert_eq!(list_of(param(&spec, "WidgetIds")), Some(ScalarType::String));
    assert_eq!(list_of(param(&spec, "Sizes")), Some(ScalarType::Long));
    assert_eq!(list_of(param(&spec, "Filter")), None);
}

#[test]
fn page_number_paging_with_a_total() {
    let spec = page(
        "DescribeWidgets",
        &[
            "|PageNumber|Integer|No|1|The page number. Starts from 1.|",
            "|PageSize|Integer|No|10|The number of entries per page. Maximum value: 50.|",
        ],
        &[
            "|TotalCount|Integer|3|The total.|",
            "|Widgets|Array of Widget| |The widgets.|",
            "|Widget| | | |",
            "|WidgetId|String|w-1|The ID.|",
        ],
    );
    let p = spec.operation.pagination.expect("paginated");
    assert_eq!(p.style, PageStyle::PageNumber);
    assert_eq!(
        (p.cursor.as_str(), p.page_size.as_str()),
        ("PageNumber", "PageSize")
    );
    assert_eq!(p.items, "Widgets");
    assert_eq!(p.progress.as_deref(), Some("TotalCount"));
    assert_eq!(p.max_page_size, Some(50));
}

#[test]
fn next_token_paging_needs_the_token_back() {
    let rows = [
        "|NextToken|String|No|t|The token of the next page.|",
        "|MaxResults|Integer|No|10|The page size.|",
    ];
    let spec = page(
        "ListWidgets",
        &rows,
        &[
            "|NextToken|String|t2|The next token.|",
            "|Widgets|Array of Widget| |The widgets.|",
            "|Widget| | | |",
            "|WidgetId|String|w-1|The ID.|",
        ],
    );
    let p = spec.operation.pagination.expect("paginated");
    assert_eq!(p.style, PageStyle::NextToken);
    assert_eq!(
        (p.cursor.as_str(), p.items.as_str()),
        ("NextToken", "Widgets")
    );
    // Without a token in the response there is no way to the next page.
    let no_token = page(
        "ListWidgets",
        &rows,
        &[
            "|Widgets|Array of Widget| |The widgets.|",
            "|Widget| | | |",
            "|WidgetId|String|w-1|The ID.|",
        ],
    );
    assert!(no_token.operation.pagination.is_none());
}

#[test]
fn two_item_lists_make_paging_ambiguous_and_leave_a_lint() {
    let spec = page(
        "DescribeWidgets",
        &[
            "|PageNumber|Integer|No|1|Page.|",
            "|PageSize|Integer|No|10|Size.|",
        ],
        &[
            "|Widgets|Array of Widget| |The widgets.|",
            "|Widget| | | |",
            "|WidgetId|String|w-1|The ID.|",
            "|Gadgets|Array of Gadget| |The gadgets.|",
            "|Gadget| | | |",
            "|GadgetId|String|g-1|The ID.|",
        ],
    );
    assert!(spec.operation.pagination.is_none());
    assert!(
        spec.operation
            .lints
            .iter()
            .any(|l| l.kind == "pagination-ambiguous")
    );
}

#[test]
fn the_explorer_link_names_the_action_when_the_title_misspells_it() {
    let doc = "# DescribeWidgetEX\n\nDoes something.\n\n## Debugging\n\n\
        [OpenAPI Explorer](https://api.aliyun.com/#product=Ecs&api=DescribeWidgetEx&type=RPC&version=2014-05-26)\n\n\
        ## Request parameters\n\n|Parameter|Type|Required|Example|Description|\n|---|---|---|---|---|\n\
        |RegionId|String|Yes|cn-hangzhou|The region ID.|\n";
    let spec = parse_doc("ex.md", doc).unwrap();
    assert_eq!(spec.operation.name, "DescribeWidgetEx");
    assert_eq!(spec.service.product, "Ecs");
    assert!(
        spec.operation
            .lints
            .iter()
            .any(|l| l.kind == "title-misspells-operation")
    );
}

#[test]
fn an_unclosed_fence_before_the_error_codes_keeps_them_and_leaves_a_lint() {
    let doc = "# DeleteWidget\n\nDeletes.\n\n## Request parameters\n\n\
        |Parameter|Type|Required|Example|Description|\n|---|---|---|---|---|\n\
        |WidgetId|String|Yes|w-1|The widget.|\n\n## Examples\n\n```\n{\"RequestId\": \"r\"}\n\n\
        ## Error codes\n\n|HTTP status code|Error code|Error message|Description|\n|---|---|---|---|\n\
        |404|InvalidWidgetId.NotFound|The widget does not exist.|No such widget.|\n";
    let spec = parse_doc("fence.md", doc).unwrap();
    let codes: Vec<&str> = spec
        .operation
        .errors
        .iter()
        .map(|e| e.code.as_str())
        .collect();
    assert_eq!(codes, ["InvalidWidgetId.NotFound"]);
    assert!(
        spec.operation
            .lints
            .iter()
            .any(|l| l.kind == "unclosed-code-fence")
    );
}
