//! Error answers: code, HTTP status and message as the docs give them.

use std::time::Duration;

/// An error answer to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub status: u16,
    pub message: String,
    /// Sent as `x-acs-retry-after` (milliseconds) with `Throttling`.
    pub retry_after: Option<Duration>,
}

/// Code, HTTP status, message: the CreateSnapshotGroup doc's table first (it wins where it disagrees
/// with the common table, e.g. `IdempotentParameterMismatch` is 403 there), then common-errors.md.
const TABLE: &[(&str, u16, &str)] = &[
    (
        "InvalidDiskId.NotFound",
        404,
        "The specified DiskId does not exist.",
    ),
    (
        "InvalidSnapshotName.Malformed",
        400,
        "The specified SnapshotName is wrongly formed.",
    ),
    // 404 is what the doc says; kept on purpose.
    (
        "InvalidDescription.Malformed",
        404,
        "The specified description is wrongly formed.",
    ),
    (
        "IncorrectInstanceStatus",
        400,
        "The current status of the resource does not support this operation.",
    ),
    (
        "IncorrectDiskStatus.CreatingSnapshot",
        403,
        "A previous snapshot creation is in process.",
    ),
    (
        "InstanceLockedForSecurity",
        403,
        "The disk attached instance is locked due to security.",
    ),
    ("QuotaExceed.Snapshot", 403, "The snapshot quota exceeds."),
    (
        "IncorrectDiskStatus.NeverUsed",
        403,
        "The specified disk has never been used after creating.",
    ),
    (
        "DiskInArrears",
        403,
        "The specified operation is denied as your disk has expired.",
    ),
    (
        "InternalError",
        500,
        "The request processing has failed due to some unknown error.",
    ),
    (
        "DiskCategory.OperationNotSupported",
        400,
        "The operation is not supported to the specified disk due to its disk category",
    ),
    (
        "IncorrectDiskStatus",
        403,
        "The current disk status does not support this operation.",
    ),
    (
        "InvalidAccountStatus.NotEnoughBalance",
        403,
        "Your account does not have enough balance.",
    ),
    (
        "InvalidAccountStatus.SnapshotServiceUnavailable",
        403,
        "Snapshot service has not been opened yet.",
    ),
    (
        "InvalidInstanceId.NotFound",
        404,
        "The specified InstanceId does not exist.",
    ),
    (
        "IdempotentParameterMismatch",
        403,
        "The specified clientToken is used.",
    ),
    (
        "InvalidParameter.KMSKeyId.CMKNotEnabled",
        403,
        "The CMK needs to be enabled.",
    ),
    (
        "InvalidParameter.KMSKeyId.KMSUnauthorized",
        403,
        "ECS service have no right to access your KMS.",
    ),
    (
        "Duplicate.TagKey",
        400,
        "The Tag.N.Key contain duplicate key.",
    ),
    (
        "InvalidTagKey.Malformed",
        400,
        "The specified Tag.n.Key is not valid.",
    ),
    (
        "InvalidTagValue.Malformed",
        400,
        "The specified Tag.n.Value is not valid.",
    ),
    (
        "IdempotentProcessing",
        403,
        "The previous idempotent request(s) is still processing.",
    ),
    (
        "InvalidRetentionDays.Malformed",
        400,
        "The specified RetentionDays is not valid.",
    ),
    (
        "QuotaExceed.Tags",
        403,
        "The maximum number of tags is exceeded.",
    ),
    (
        "InvalidRegionId.NotFound",
        404,
        "The specified RegionId does not exist.",
    ),
    (
        "InvalidParameter.Name",
        400,
        "The specified Name is invalid.",
    ),
    // Common and gateway codes.
    (
        "InvalidParameter",
        400,
        "The specified parameter is not valid",
    ),
    (
        "MissingParameter",
        400,
        "The input parameter that is required for processing this request is not supplied",
    ),
    (
        "InvalidParamater",
        400,
        "The specified parameter `SignatureVersion` is not valid.",
    ),
    (
        "IncompleteSignature",
        400,
        "The request signature does not conform to Alibaba Cloud standards.",
    ),
    (
        "SignatureDoesNotMatch",
        400,
        "Specified signature is not matched with our calculation.",
    ),
    (
        "SignatureNonceUsed",
        400,
        "The request signature nonce has been used.",
    ),
    (
        "InvalidAccessKeyId.NotFound",
        400,
        "The specified AccessKey ID does not exist.",
    ),
    (
        "InvalidAccessKeyId.Inactive",
        400,
        "The specified AccessKey ID is disabled.",
    ),
    (
        "InvalidTimeStamp.Expired",
        400,
        "Specified time stamp or date value is expired.",
    ),
    (
        "InvalidTimeStamp.Format",
        400,
        "Specified time stamp or date value is not well formatted.",
    ),
    (
        "InvalidSecurityToken.Expired",
        400,
        "Specified SecurityToken is expired.",
    ),
    (
        "InvalidSecurityToken.Malformed",
        400,
        "Specified SecurityToken is malformed.",
    ),
    (
        "UnsupportedSignatureMethod",
        400,
        "Specified signature method is not supported.",
    ),
    (
        "Throttling",
        400,
        "You have made too many requests within a short time; your request is denied due to request throttling.",
    ),
    (
        "InvalidAction.NotFound",
        404,
        "Specified api is not found, please check your url and method.",
    ),
    (
        "UnsupportedHTTPMethod",
        403,
        "This HTTP method is not supported.",
    ),
    (
        "ServiceUnavailable",
        503,
        "The request has failed due to a temporary failure of the server.",
    ),
];

impl ApiError {
    /// The documented status and message for `code` (400 and a generic message for unknown codes).
    pub fn of(code: &str) -> ApiError {
        let (status, message) = TABLE
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(_, s, m)| (*s, (*m).to_owned()))
            .unwrap_or((400, format!("The request failed with {code}.")));
        ApiError {
            code: code.to_owned(),
            status,
            message,
            retry_after: None,
        }
    }

    /// The documented status with a more specific message.
    pub fn with_message(code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            message: message.into(),
            ..ApiError::of(code)
        }
    }

    /// `MissingParameter` naming the param, worded as the service does.
    pub fn missing(param: &str) -> ApiError {
        ApiError::with_message(
            "MissingParameter",
            format!(
                "The input parameter `{param}` that is required for processing this request is not supplied."
            ),
        )
    }

    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::with_message("InvalidParameter", message)
    }

    pub fn throttled(retry_after: Duration) -> ApiError {
        ApiError {
            retry_after: Some(retry_after),
            ..ApiError::of("Throttling")
        }
    }
}

/// Every code the emulator can answer, for docs and tests.
pub fn known_codes() -> impl Iterator<Item = &'static str> {
    TABLE.iter().map(|(c, _, _)| *c)
}
