import Domain
import Testing

@Suite("Erasing a citizen's contact details")
struct ContactErasureTests {
    @Test("erasure is allowed exactly in the finished statuses and refused as a conflict in every other", arguments: CaseStatus.allCases)
    func erasableStatuses(status: CaseStatus) {
        let finished: Set<CaseStatus> = [.closed, .rejected, .merged, .withdrawn]
        let result = Result { () throws(DomainError) in try ContactErasure.check(status) }
        if finished.contains(status) {
            #expect(throws: Never.self, "\(status)") { try result.get() }
        } else {
            #expect(throws: DomainError.self, "\(status)") { try result.get() }
            if case .failure(let error) = result {
                #expect(error.kind == .conflict)
                #expect(error.code == "case_not_finished")
                #expect(error.messageEN.contains(status.rawValue))
                #expect(error.messageTH.contains(status.nameTH))
            }
        }
    }

    @Test("a resolved case may still be appealed, so its contact details are not yet erasable")
    func resolvedIsNotFinished() {
        #expect(!ContactErasure.erasableStatuses.contains(.resolved))
        #expect(ContactErasure.erasableStatuses.count == 4)
    }
}
