/// Thai (and a few English) words that carry no meaning for placing a case: particles,
/// politeness endings, pronouns and the glue of sentences.
///
/// Negations (ไม่, ไม่ได้) and words of time and degree that often signal urgency are kept
/// on purpose: "ไฟไม่ติด" must not become "ไฟ ติด".
public enum ThaiStopWords {
    /// The default list.
    public static let all: Set<String> = [
        // politeness particles and endings
        "ครับ", "คับ", "ค่ะ", "คะ", "ค่า", "คร้าบ", "จ้า", "จ้ะ", "นะ", "น่ะ", "นะคะ", "นะครับ", "ฮะ", "จ๊ะ", "เนอะ",
        "ละ", "ล่ะ", "สิ", "ซิ", "เถอะ", "หรอก", "เลย", "ด้วย", "หน่อย", "ที", "มั้ย", "ไหม", "หรือเปล่า",
        // pronouns
        "ผม", "ดิฉัน", "ฉัน", "หนู", "เรา", "พวกเรา", "เขา", "เค้า", "ท่าน", "คุณ", "กระผม", "ข้าพเจ้า", "มัน",
        // conjunctions, prepositions, classifiers
        "และ", "กับ", "แต่", "หรือ", "ก็", "ของ", "ที่", "ซึ่ง", "อัน", "ใน", "บน", "จาก", "ถึง", "โดย", "เพื่อ",
        "แก่", "แด่", "ต่อ", "แล้ว", "จึง", "เพราะ", "ว่า", "คือ", "เป็น", "อยู่", "ได้", "ให้", "มี", "จะ", "ไป",
        "มา", "นี้", "นั้น", "โน้น", "นี่", "นั่น", "ทั้ง", "อีก", "กัน", "เอง", "ก่อน", "ยัง", "เมื่อ", "ถ้า", "หาก",
        "เพราะว่า", "ดังนั้น", "ทำให้", "ตาม", "ความ", "การ", "ๆ", "ฯ", "แบบ", "เช่น", "คง", "ซะ", "นั่นเอง",
        // request formulas every case carries
        "รบกวน", "ขอ", "ช่วย", "แจ้ง", "เรื่อง", "เจ้าหน้าที่", "ดำเนินการ", "ตรวจสอบ", "แก้ไข", "ขอบคุณ", "ค่ะ/ครับ",
        // English glue
        "the", "a", "an", "and", "or", "of", "to", "in", "on", "at", "is", "are", "it", "this", "that", "please",
    ]
}
