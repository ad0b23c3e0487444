import Hummingbird
import NIOCore

/// `GET /api/v1/openapi.json`: the API's OpenAPI 3.1 document, as written.
struct OpenAPIController {
    let document: OpenAPIDocument

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.get("openapi.json") { _, _ in
            Response(
                status: .ok,
                headers: [
                    .contentType: "application/json; charset=utf-8", .cacheControl: "public, max-age=300",
                    .accessControlAllowOrigin: "*",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: document.bytes)))
        }
    }
}
