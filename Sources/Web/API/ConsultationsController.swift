import Domain
import Foundation
import Hummingbird
import Services
import Statistics

/// The public side of consultations: the list, a consultation (with its themes and responses once
/// closed), verifying a participant, and giving an opinion.
struct ConsultationsController {
    let consultations: ConsultationService

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.get("consultations", use: list)
        group.post("consultations/participants", use: participant)
        group.get("consultations/{id}", use: show)
        group.post("consultations/{id}/opinions", use: opinion)
    }

    static func id(_ context: SiangRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else { throw DomainError.consultationNotFound }
        return id
    }

    struct ListJSON: Encodable {
        var consultations: [ConsultationJSON.Item]
    }

    @Sendable func list(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let figures = try await consultations.figures()
        return try JSONResponse.make(
            ListJSON(consultations: figures.map { ConsultationJSON.item($0.consultation, phase: $0.phase, participation: $0.participation) }))
    }

    struct ViewJSON: Encodable {
        var consultation: ConsultationJSON.Item
        var themes: [ConsultationJSON.Theme]
        var responses_published: Bool
    }

    @Sendable func show(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = try await consultations.view(id: try Self.id(context))
        return try JSONResponse.make(
            ViewJSON(
                consultation: ConsultationJSON.item(view.consultation, phase: view.phase, participation: view.participation),
                themes: view.themes.map(ConsultationJSON.theme), responses_published: view.responsesPublished))
    }

    /// The same exchange as a proposal supporter's (a code for a token), for a participant.
    @Sendable func participant(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let body = try JSONBody.decode(
            ProposalsController.VerifyBody.self, from: try await JSONBody.bytes(of: request, context: context))
        let token = try await consultations.verifyParticipant(codeID: body.code_id, code: body.code)
        return try JSONResponse.make(
            ProposalsController.TokenJSON(token: token.token, expires_at: BangkokTime.format(token.expiresAt)),
            status: .created, headers: [.cacheControl: "no-store"])
    }

    struct OpinionBody: Decodable {
        var text: String
        var stance: String
        var section: Int?
        /// A participant token; or a one-time code's id and the code; or neither, where anonymous opinions are taken.
        var token: String?
        var code_id: Int64?
        var code: String?
    }

    struct GivenJSON: Encodable {
        var opinion: ConsultationJSON.Opinion
        /// The token, when the request verified a code (to give more opinions without a new code).
        var token: String?
        var message_th: String
        var message_en: String
    }

    static func stance(_ text: String) throws -> OpinionStance {
        guard let stance = OpinionStance(rawValue: text) else {
            throw DomainError.invalid(
                "invalid_stance", th: "ความเห็นต้องเป็น agree, disagree หรือ neutral", en: "\"stance\" must be agree, disagree or neutral.")
        }
        return stance
    }

    @Sendable func opinion(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let body = try JSONBody.decode(OpinionBody.self, from: try await JSONBody.bytes(of: request, context: context))
        let stance = try Self.stance(body.stance)
        var token = body.token?.nonBlank
        var issued = false
        if token == nil, let codeID = body.code_id, let code = body.code {
            token = try await consultations.verifyParticipant(codeID: codeID, code: code).token
            issued = true
        }
        let opinion = try await consultations.giveOpinion(
            consultationID: id, .init(text: body.text, stance: stance, section: body.section, token: token))
        return try JSONResponse.make(
            GivenJSON(
                opinion: ConsultationJSON.opinion(opinion), token: issued ? token : nil,
                message_th: "ขอบคุณสำหรับความคิดเห็น หน่วยงานจะสรุปประเด็นและตอบเมื่อปิดรับความคิดเห็น",
                message_en: "Thank you for your opinion. The agency will sum up the themes and respond once the consultation closes."),
            status: .created, headers: [.cacheControl: "no-store"])
    }
}
