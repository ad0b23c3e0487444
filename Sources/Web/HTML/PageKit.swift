import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Photos
import NIOCore
import Pages
import Services

/// What every page handler shares: the renderer, the catalogues, the cookie settings, and the
/// values every page carries (language, CSRF token, asset versions, who is signed in).
struct PageKit: Sendable {
    let renderer: PageRenderer
    let catalogues: Catalogues
    /// Whether cookies carry `Secure`: on behind TLS, off for plain-HTTP development.
    let secureCookies: Bool

    static let languageCookie = "siang_lang"
    static let csrfCookie = "siang_csrf"

    /// The page language: the switch's cookie, else `Accept-Language`, else Thai.
    static func language(of request: Request) -> Language {
        if let value = request.cookies[Self.languageCookie]?.value, let language = Language(rawValue: value) {
            return language
        }
        return Language.preferred(acceptLanguage: request.headers[.acceptLanguage])
    }

    /// One page's view of the request.
    struct View {
        let language: Language
        let catalogue: Catalogue
        let format: DisplayFormat
        /// The token forms carry; also set as a cookie when the browser has none yet.
        let csrf: String
        let csrfIsNew: Bool
        let staff: StaffMember?

        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { catalogue.text(key, arguments) }
    }

    func view(_ request: Request, context: SiangRequestContext) -> View {
        let language = Self.language(of: request)
        let existing = request.cookies[Self.csrfCookie].map(\.value).flatMap { CSRFToken.isWellFormed($0) ? $0 : nil }
        return View(
            language: language, catalogue: catalogues[language], format: DisplayFormat(language: language),
            csrf: existing ?? CSRFToken.make(), csrfIsNew: existing == nil, staff: context.staff)
    }

    /// How long a page may be kept: pages with a person's data never; public pages briefly.
    enum Caching {
        case never
        case publicFor(seconds: Int)
    }

    /// The HTML response for `model`'s page inside the layout.
    /// - Throws: `PageRenderer.RenderError` when the page cannot be rendered; `PageErrorMiddleware`
    ///   answers it with the error page, never an empty one.
    func page<Model: PageModel>(
        _ model: Model, title: String, view: View, request: Request, status: HTTPResponse.Status = .ok,
        flash: String? = nil, caching: Caching = .never, cookies: [Cookie] = []
    ) throws -> Response {
        let html = try render(model, title: title, view: view, request: request, flash: flash)
        return respond(html: html, view: view, status: status, caching: caching, cookies: cookies)
    }

    /// The page's HTML. With `shared`, nothing of this visitor's (CSRF token, staff name) goes in,
    /// so the HTML may be reused for every visitor asking for the same address in the same language.
    /// - Throws: `PageRenderer.RenderError`.
    func render<Model: PageModel>(
        _ model: Model, title: String, view: View, request: Request, flash: String? = nil, shared: Bool = false
    ) throws -> String {
        let layout = PageLayout(
            lang: view.language.rawValue, otherLang: view.language.pick(Language.english, .thai).rawValue,
            t: view.catalogue.strings, title: title, csrf: shared ? "" : view.csrf,
            cssVersion: renderer.assets["siang.css"]?.version ?? "",
            jsVersion: renderer.assets["siang.js"]?.version ?? "",
            back: Self.percentEncoded(request.method == .get ? request.uri.description : request.uri.path),
            staff: shared ? nil : view.staff.map { PageLayout.Staff(name: $0.name) }, flash: flash)
        return try renderer.render(model, in: layout)
    }

    /// The response carrying `html`, with this service's headers and the CSRF cookie when new.
    func respond(
        html: String, view: View, status: HTTPResponse.Status = .ok, caching: Caching = .never, cookies: [Cookie] = []
    ) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy:
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
                + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            .xContentTypeOptions: "nosniff",
            .referrerPolicy: "same-origin",
            .vary: "Cookie, Accept-Language",
        ]
        switch caching {
        case .never: headers[.cacheControl] = "no-store"
        case .publicFor(let seconds): headers[.cacheControl] = "private, max-age=\(seconds)"
        }
        var response = Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        if view.csrfIsNew {
            response.setCookie(
                Cookie(name: Self.csrfCookie, value: view.csrf, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax))
        }
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    /// A 303 to `location` (after a form post, so reloading does not post again).
    func redirect(to location: String, cookies: [Cookie] = []) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    /// A cookie with this service's defaults: HttpOnly, SameSite=Lax, Secure behind TLS.
    func cookie(_ name: String, _ value: String, path: String = "/", maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: path, secure: secureCookies, httpOnly: true, sameSite: .lax)
    }

    /// The posted form, once its CSRF token has been checked against the browser's cookie: a
    /// form cannot be read without the check.
    /// - Throws: `PageError` for a body too large or not a form, and `PageError.csrf`.
    func form<Form: PostedForm>(_ type: Form.Type, from request: Request, context: SiangRequestContext) async throws -> Form {
        let form = try await FormBody.decode(type, from: request, context: context)
        try checkCSRF(request, token: form.csrf)
        return form
    }

    /// The posted form and its files: `multipart/form-data` (a form with a file input) or, from a
    /// browser that sent none, the usual URL-encoded form. The CSRF token is checked as for `form`.
    /// Files refused while they arrive (too many, too large) are in the upload's `fileRejection`, so the
    /// form can be shown again with what was typed.
    func formWithFiles<Form: PostedForm>(
        _ type: Form.Type, from request: Request, context: SiangRequestContext, maxFiles: Int,
        spool: @escaping () throws -> PhotoSpool
    ) async throws -> (Form, MultipartUpload?) {
        guard MultipartUpload.isMultipart(request) else { return (try await form(type, from: request, context: context), nil) }
        let upload: MultipartUpload
        do {
            upload = try await MultipartUpload.read(
                request, maxFiles: maxFiles, maxFieldBytes: context.maxUploadSize, keepFields: true, spool: spool)
        } catch let error as APIError where error.status == .contentTooLarge {
            throw PageError(status: .contentTooLarge, heading: "error_generic_heading", message: "error_too_large")
        } catch is APIError {
            throw PageError(status: .badRequest, heading: "error_generic_heading", message: "error_bad_form")
        }
        // The fields as the URL-encoded form they would otherwise have been, decoded the same way.
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = upload.fields.flatMap { name, values in
            values.map {
                (name.addingPercentEncoding(withAllowedCharacters: allowed) ?? "") + "="
                    + ($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
            }
        }.joined(separator: "&")
        let form: Form
        do {
            form = try URLEncodedFormDecoder().decode(type, from: encoded)
        } catch {
            throw PageError(status: .badRequest, heading: "error_generic_heading", message: "error_bad_form")
        }
        try checkCSRF(request, token: form.csrf)
        return (form, upload)
    }

    /// Serves a page that holds nothing of the visitor's from `cache`: one rendering for everyone
    /// asking the same address in the same language during the cache's lifetime.
    func sharedPage(
        _ request: Request, view: View, cache: TimedCache<String, String>, render: @escaping @Sendable () async throws -> String
    ) async throws -> Response {
        let html = try await cache.value(key: view.language.rawValue + " " + request.uri.description, compute: render)
        return respond(html: html, view: view, caching: .publicFor(seconds: 10))
    }

    /// Refuses a form whose token does not match the browser's CSRF cookie.
    /// - Throws: `PageError.csrf`.
    func checkCSRF(_ request: Request, token: String?) throws(PageError) {
        guard let cookie = request.cookies[Self.csrfCookie]?.value, let token,
            CSRFToken.matches(cookie, token)
        else { throw PageError.csrf }
    }

    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "/"
    }
}

/// A form the pages post: it carries the CSRF token of the page that showed it.
protocol PostedForm: Decodable {
    var csrf: String? { get }
}

extension Language {
    /// The first of a Thai and English pair in Thai, the second in English.
    func pick<Value>(_ thai: Value, _ english: Value) -> Value { self == .thai ? thai : english }
}

extension Reference {
    /// A category's name in `language`; the code itself for one no longer in the taxonomy.
    func categoryName(_ code: String, _ language: Language) -> String {
        categories[code].map { language.pick($0.nameTH, $0.nameEN) } ?? code
    }

    /// An agency's name in `language`; the code itself for an unknown one.
    func agencyName(_ code: String, _ language: Language) -> String {
        agencies[code].map { language.pick($0.nameTH, $0.nameEN) } ?? code
    }
}

/// Random tokens against cross-site request forgery (double-submit: cookie and form field).
enum CSRFToken {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<32).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 32 && token.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }
    }

    /// Compares in time independent of where the strings differ.
    static func matches(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count, !x.isEmpty else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

/// Why a page cannot be shown; rendered as an HTML error page in the page's language.
struct PageError: Error, Sendable {
    var status: HTTPResponse.Status
    /// Catalogue keys of the heading and the message.
    var heading: String
    var message: String
    /// A message already in words (a domain refusal), used instead of `message` when set.
    var words: (th: String, en: String)?

    static let notFound = PageError(status: .notFound, heading: "error_not_found_heading", message: "error_not_found")
    static let csrf = PageError(status: .forbidden, heading: "error_generic_heading", message: "error_csrf")
    static let rateLimited = PageError(status: .tooManyRequests, heading: "error_generic_heading", message: "error_rate_limited")
    static let internalError = PageError(status: .internalServerError, heading: "error_generic_heading", message: "error_internal")

    /// A refusal the API would answer with `error`, as a page: the same status and words.
    static func refused(_ error: APIError) -> PageError {
        PageError(status: error.status, heading: "error_generic_heading", message: "", words: (error.messageTH, error.messageEN))
    }
}

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
}
