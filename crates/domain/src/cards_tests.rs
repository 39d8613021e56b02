//! Unit tests of card validation: every number of the test-card table, the invalid-data rows and the
//! brand-prefix edge cases (kept in their own file so that card numbers stay out of production code).
use super::*;
use proptest::prelude::*;

const TODAY_YEAR: i32 = 2025;
const TODAY_MONTH: u32 = 6;

/// What a row of the card tables feeds to the parsers.
enum Case<'a> {
    /// A number, with every brand accepted.
    Number(&'a str),
    /// A number, with only these brands accepted.
    NumberAccepting(&'a str, &'a [Brand]),
    /// An expiry month and year, checked on [`TODAY_YEAR`]-[`TODAY_MONTH`].
    Expiry(i64, i64),
    /// A security code for a brand.
    Cvc(&'a str, Brand),
}

/// The one helper of the table tests. A success is rendered as text: the brand's API name for a
/// number, `MM/YYYY` for an expiry, the digits for a security code.
fn check(case: Case<'_>, expected: Result<&str, CardError>) {
    let (label, got) = match case {
        Case::Number(input) => {
            (input.to_owned(), parse_card_number(input, &AcceptedBrands::all()).map(|n| n.brand().name().to_owned()))
        }
        Case::NumberAccepting(input, brands) => (
            format!("{input} accepting {brands:?}"),
            parse_card_number(input, &AcceptedBrands::from_brands(brands.iter().copied()))
                .map(|n| n.brand().name().to_owned()),
        ),
        Case::Expiry(month, year) => (
            format!("expiry {month}/{year}"),
            Expiry::parse(month, year, TODAY_YEAR, TODAY_MONTH).map(|e| format!("{:02}/{}", e.month(), e.year())),
        ),
        Case::Cvc(input, brand) => {
            (format!("cvc {input:?} for {brand:?}"), Cvc::parse(input, brand).map(|c| c.expose().to_owned()))
        }
    };
    assert_eq!(got.as_deref().map_err(|e| *e), expected, "{label}");
}

/// `body` followed by the digit that makes it pass the Luhn check.
fn with_check_digit(body: &str) -> String {
    (0..=9)
        .map(|d| format!("{body}{d}"))
        .find(|candidate| luhn_valid(candidate))
        .unwrap_or_else(|| panic!("no check digit for {body}"))
}

/// `prefix` padded with zeros to `length - 1` digits, then a check digit.
fn valid_number(prefix: &str, length: usize) -> String {
    let body = format!("{prefix:0<width$}", width = length - 1);
    with_check_digit(&body)
}

#[test]
fn every_table_row_parses() {
    assert_eq!(BRAND_TABLE.len(), Brand::ALL.len());
    for brand in Brand::ALL {
        assert_eq!(BRAND_TABLE.iter().filter(|row| row.brand == brand).count(), 1, "{brand:?} has one row");
    }
    for row in BRAND_TABLE {
        for pattern in row.prefixes.split(',') {
            assert!(PrefixRange::parse(pattern).is_some(), "{:?}: pattern {pattern:?} does not parse", row.brand);
        }
        assert!(parse_lengths(row.lengths).is_some_and(|l| l != 0), "{:?}: lengths {:?}", row.brand, row.lengths);
        assert!(matches!(row.cvc_digits, 3 | 4), "{:?}", row.brand);
    }
    for rules in brand_rules() {
        let row_patterns = BRAND_TABLE.iter().find(|row| row.brand == rules.brand).map(|row| row.prefixes);
        assert_eq!(Some(rules.prefixes.len()), row_patterns.map(|p| p.split(',').count()), "{:?}", rules.brand);
    }
}

#[test]
fn no_two_brands_overlap_on_patterns_of_the_same_length() {
    let rules = brand_rules();
    for (i, a) in rules.iter().enumerate() {
        for b in rules.iter().skip(i + 1) {
            for pa in &a.prefixes {
                for pb in b.prefixes.iter().filter(|pb| pb.digits == pa.digits) {
                    let overlap = pa.low <= pb.high && pb.low <= pa.high;
                    assert!(!overlap, "{:?} {pa:?} overlaps {:?} {pb:?}", a.brand, b.brand);
                }
            }
        }
    }
}

#[test]
fn prefix_and_length_parsing() {
    assert_eq!(PrefixRange::parse("2221-2720"), Some(PrefixRange { digits: 4, low: 2221, high: 2720 }));
    assert_eq!(PrefixRange::parse(" 2221–2720 "), Some(PrefixRange { digits: 4, low: 2221, high: 2720 }));
    assert_eq!(PrefixRange::parse("6"), Some(PrefixRange { digits: 1, low: 6, high: 6 }));
    for bad in ["", "-", "5-", "51-5", "55-51", "4a", "+4", "123456789", "1-2-3"] {
        assert_eq!(PrefixRange::parse(bad), None, "{bad:?}");
    }
    assert_eq!(parse_lengths("16"), Some(1 << 16));
    assert_eq!(parse_lengths("16, 18,19"), Some((1 << 16) | (1 << 18) | (1 << 19)));
    assert_eq!(parse_lengths("18-19"), Some((1 << 18) | (1 << 19)));
    for bad in ["", "11", "20", "19-16", "x", "16,"] {
        assert_eq!(parse_lengths(bad), None, "{bad:?}");
    }
}

/// Every number of `docs/reference/test-cards.md`.
#[test]
fn test_cards_parse_to_their_brand() {
    use Brand::*;
    let rows: &[(&str, Result<Brand, CardError>)] = &[
        // Succeed (by brand)
        ("4242424242424242", Ok(Visa)),
        ("4000056655665556", Ok(Visa)),
        ("5555555555554444", Ok(Mastercard)),
        ("2223003122003222", Ok(Mastercard)),
        ("5200828282828210", Ok(Mastercard)),
        ("378282246310005", Ok(AmericanExpress)),
        ("6011111111111117", Ok(Discover)),
        ("36227206271667", Ok(DinersClub)),
        ("3566002020360505", Ok(Jcb)),
        ("6200000000000005", Ok(UnionPay)),
        ("4000002500000003", Ok(Visa)),
        ("4000003920000003", Ok(Visa)),
        ("4000001560000002", Ok(Visa)),
        ("4000008260000000", Ok(Visa)),
        // Fail
        ("4242424242424241", Err(CardError::IncorrectNumber)),
        ("4000000000000002", Ok(Visa)),
        ("4000000000009995", Ok(Visa)),
        ("4000000000009987", Ok(Visa)),
        ("4000000000009979", Ok(Visa)),
        ("4000000000000069", Ok(Visa)),
        ("4000000000000127", Ok(Visa)),
        ("4000000000000119", Ok(Visa)),
        ("4000000000006975", Ok(Visa)),
        ("4000000000000341", Ok(Visa)),
        ("4000000000000010", Ok(Visa)),
        ("4000000000000036", Ok(Visa)),
        ("4100000000000019", Ok(Visa)),
        ("4000000000000218", Ok(Visa)),
        ("4000000000000226", Ok(Visa)),
        ("4000000000000234", Ok(Visa)),
        ("4000000000000333", Ok(Visa)),
        ("4000000000000911", Ok(Visa)),
        // Need verification
        ("4000002760003184", Ok(Visa)),
        ("4000002500003155", Ok(Visa)),
        ("4000008260003178", Ok(Visa)),
        // After the payment
        ("4000000000000242", Ok(Visa)),
        ("4000000000007726", Ok(Visa)),
        ("4000000000000325", Ok(Visa)),
    ];
    for &(number, expected) in rows {
        check(Case::Number(number), expected.map(Brand::name));
        assert_eq!(Brand::detect(number), Some(expected.unwrap_or(Visa)), "{number}");
    }
}

#[test]
fn invalid_data() {
    use Brand::*;
    use CardError::*;
    let visa = valid_number("4", 16);
    let mir = valid_number("2200", 16);
    let maestro = valid_number("6799", 16);
    let amex_16 = valid_number("37", 16);
    let rows: Vec<(Case<'_>, Result<&str, CardError>)> = vec![
        // Expiry, today being 2025-06.
        (Case::Expiry(13, 2030), Err(InvalidExpiryMonth)),
        (Case::Expiry(0, 2030), Err(InvalidExpiryMonth)),
        (Case::Expiry(-1, 2030), Err(InvalidExpiryMonth)),
        (Case::Expiry(i64::MAX, 2030), Err(InvalidExpiryMonth)),
        (Case::Expiry(13, 2020), Err(InvalidExpiryMonth)),
        (Case::Expiry(12, 2024), Err(InvalidExpiryYear)),
        (Case::Expiry(12, 24), Err(InvalidExpiryYear)),
        (Case::Expiry(1, 2076), Err(InvalidExpiryYear)),
        (Case::Expiry(1, 999), Err(InvalidExpiryYear)),
        (Case::Expiry(1, 100), Err(InvalidExpiryYear)),
        (Case::Expiry(1, 10000), Err(InvalidExpiryYear)),
        (Case::Expiry(1, -1), Err(InvalidExpiryYear)),
        (Case::Expiry(1, i64::MIN), Err(InvalidExpiryYear)),
        (Case::Expiry(5, 2025), Err(ExpiredCard)),
        (Case::Expiry(1, 25), Err(ExpiredCard)),
        (Case::Expiry(6, 2025), Ok("06/2025")),
        (Case::Expiry(12, 2025), Ok("12/2025")),
        (Case::Expiry(1, 2026), Ok("01/2026")),
        (Case::Expiry(12, 2075), Ok("12/2075")),
        (Case::Expiry(6, 25), Ok("06/2025")),
        (Case::Expiry(3, 30), Ok("03/2030")),
        // Security codes.
        (Case::Cvc("123", Visa), Ok("123")),
        (Case::Cvc("000", Mastercard), Ok("000")),
        (Case::Cvc("1234", AmericanExpress), Ok("1234")),
        (Case::Cvc("1234", Visa), Err(InvalidCvc)),
        (Case::Cvc("123", AmericanExpress), Err(InvalidCvc)),
        (Case::Cvc("12", Visa), Err(InvalidCvc)),
        (Case::Cvc("", Visa), Err(InvalidCvc)),
        (Case::Cvc("12a", Visa), Err(InvalidCvc)),
        (Case::Cvc(" 123", Visa), Err(InvalidCvc)),
        (Case::Cvc("１２３", Visa), Err(InvalidCvc)),
        // Numbers: non-digits, lengths, spaces and dashes.
        (Case::Number("4242 4242 4242 4242"), Ok("visa")),
        (Case::Number("4242-4242-4242-4242"), Ok("visa")),
        (Case::Number(" 4242 - 4242 4242-4242 "), Ok("visa")),
        (Case::Number("3782 822463 10005"), Ok("amex")),
        (Case::Number("4242424242424242x"), Err(IncorrectNumber)),
        (Case::Number("4242.4242.4242.4242"), Err(IncorrectNumber)),
        (Case::Number("4242\t4242424242424242"), Err(IncorrectNumber)),
        (Case::Number("+4242424242424242"), Err(IncorrectNumber)),
        (Case::Number("４２４２424242424242"), Err(IncorrectNumber)),
        (Case::Number(""), Err(IncorrectNumber)),
        (Case::Number(" - "), Err(IncorrectNumber)),
        (Case::Number("42424242424"), Err(IncorrectNumber)),
        (Case::Number("42424242424242424242"), Err(IncorrectNumber)),
        (Case::Number(&amex_16), Err(IncorrectNumber)),
        // Brand acceptance, after validity.
        (Case::NumberAccepting(&visa, &[Visa]), Ok("visa")),
        (Case::NumberAccepting(&mir, &[Visa, Mastercard]), Err(BrandNotSupported)),
        (Case::NumberAccepting(&maestro, &[Visa, Mastercard, Mir]), Err(BrandNotSupported)),
        (Case::NumberAccepting(&visa, &[]), Err(BrandNotSupported)),
        (Case::NumberAccepting("4242424242424241", &[Mir]), Err(IncorrectNumber)),
        (Case::NumberAccepting("4242 4242", &[Mir]), Err(IncorrectNumber)),
    ];
    for (case, expected) in rows {
        check(case, expected);
    }
}

#[test]
fn prefix_edges_of_the_brand_table() {
    let rows: &[(&str, usize, Option<&str>)] = &[
        // Mir 2200-2204 sits just below Mastercard 2221-2720; 2205-2220 is nobody's.
        ("2200", 16, Some("mir")),
        ("2204", 19, Some("mir")),
        ("2205", 16, None),
        ("2220", 16, None),
        ("2221", 16, Some("mastercard")),
        ("2720", 16, Some("mastercard")),
        ("2721", 16, None),
        ("2200", 15, None),
        ("51", 16, Some("mastercard")),
        ("55", 16, Some("mastercard")),
        ("2221", 19, None),
        // UnionPay 62… beats Maestro's catch-all 6; Maestro takes the rest of 6….
        ("620", 16, Some("unionpay")),
        ("62100", 19, Some("unionpay")),
        ("62183", 16, Some("maestro")),
        ("622010", 16, Some("unionpay")),
        ("6292", 14, Some("unionpay")),
        ("6293", 16, Some("maestro")),
        ("6", 12, Some("maestro")),
        ("69", 16, Some("maestro")),
        ("6011", 16, Some("discover")),
        ("6012", 16, Some("maestro")),
        ("65", 19, Some("discover")),
        ("65", 17, None),
        ("644", 16, Some("discover")),
        ("6", 11, None),
        // Maestro's long prefixes beat Visa's 4; its gaps fall to nobody.
        ("493698", 16, Some("maestro")),
        ("493697", 16, Some("visa")),
        ("504174", 16, Some("maestro")),
        ("504175", 16, None),
        ("506699", 16, None),
        ("56", 12, Some("maestro")),
        // Lengths per brand.
        ("4", 13, None),
        ("4", 17, None),
        ("4", 18, Some("visa")),
        ("4", 19, Some("visa")),
        ("34", 15, Some("amex")),
        ("37", 16, None),
        ("36", 14, Some("diners")),
        ("300", 19, Some("diners")),
        ("306", 16, None),
        ("3528", 19, Some("jcb")),
        ("3590", 16, None),
        ("1800", 16, Some("jcb")),
        ("2131", 17, Some("jcb")),
        ("810", 14, Some("unionpay")),
        ("818", 16, None),
        ("1", 16, None),
        ("0", 16, None),
        ("9", 16, None),
    ];
    for &(prefix, length, expected) in rows {
        let number = valid_number(prefix, length);
        check(Case::Number(&number), expected.ok_or(CardError::IncorrectNumber));
    }
}

#[test]
fn card_number_accessors_and_debug_hide_the_digits() {
    let number = parse_card_number("4242 4242 4242 4242", &AcceptedBrands::all())
        .unwrap_or_else(|e| panic!("test Visa refused: {e}"));
    assert_eq!(number.expose_digits(), "4242424242424242");
    assert_eq!(number.last4(), "4242");
    assert_eq!(number.bin(), "424242");
    assert_eq!(number.brand(), Brand::Visa);
    assert_eq!(format!("{number:?}"), "CardNumber(****4242)");
    let amex = parse_card_number("378282246310005", &AcceptedBrands::all())
        .unwrap_or_else(|e| panic!("test Amex refused: {e}"));
    for shown in [
        format!("{amex:?}"),
        format!("{amex:#?}"),
        format!("{:?}", Some(&amex)),
        format!("{:?}", Ok::<_, ()>(amex.clone())),
    ] {
        assert!(shown.contains("****0005"), "{shown}");
        assert!(!shown.contains("378282") && !shown.contains("2463"), "{shown}");
    }
    let cvc = Cvc::parse("987", Brand::Visa).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(format!("{cvc:?}"), "Cvc(***)");
    assert_eq!(format!("{:?}", Some(cvc.clone())), "Some(Cvc(***))");
    assert_eq!(cvc.expose(), "987");
}

#[test]
fn brands_names_and_sets() {
    for brand in Brand::ALL {
        assert_eq!(Brand::parse(brand.name()), Some(brand));
        assert!(!brand.display_name().is_empty());
        assert_eq!(brand.cvc_length(), if brand == Brand::AmericanExpress { 4 } else { 3 });
    }
    assert_eq!(Brand::parse("Visa"), None);
    assert_eq!(Brand::parse("american_express"), None);
    assert_eq!(Brand::AmericanExpress.display_name(), "American Express");
    assert_eq!(Brand::detect("4242x"), None);
    assert_eq!(Brand::detect(""), None);

    let all = AcceptedBrands::all();
    assert_eq!(all, AcceptedBrands::default());
    assert_eq!(all.brands().collect::<Vec<_>>(), Brand::ALL.to_vec());
    let some: AcceptedBrands = [Brand::Mir, Brand::Visa, Brand::Visa].into_iter().collect();
    assert_eq!(some.brands().collect::<Vec<_>>(), vec![Brand::Visa, Brand::Mir]);
    assert!(some.contains(Brand::Mir) && !some.contains(Brand::Maestro));
    assert_eq!(format!("{some:?}"), r#"{"visa", "mir"}"#);
    assert!(AcceptedBrands::from_brands([]).is_empty());

    let mut codes: Vec<_> = CardError::ALL.iter().map(CardError::code).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), CardError::ALL.len());
}

#[test]
fn expiry_is_valid_through_its_month() {
    let expiry = Expiry::parse(6, 2025, 2025, 6).unwrap_or_else(|e| panic!("{e}"));
    assert!(!expiry.is_expired_at(2025, 6));
    assert!(expiry.is_expired_at(2025, 7));
    assert!(expiry.is_expired_at(2026, 1));
    assert!(!expiry.is_expired_at(2024, 12));
    assert_eq!((expiry.month(), expiry.year()), (6, 2025));
}

#[test]
fn luhn_matches_the_reference() {
    assert!(luhn_valid("79927398713"));
    assert!(!luhn_valid("79927398710"));
    assert!(luhn_valid("0"));
    assert!(!luhn_valid(""));
    assert!(!luhn_valid("4242 4242"));
    assert_eq!(with_check_digit("424242424242424"), "4242424242424242");
}

proptest! {
    #[test]
    fn sixteen_digit_luhn_numbers_starting_with_4_are_visa_and_one_changed_digit_breaks_them(
        body in "[0-9]{14}",
        position in 0usize..16,
        delta in 1u8..=9,
    ) {
        let number = with_check_digit(&format!("4{body}"));
        prop_assert_eq!(parse_card_number(&number, &AcceptedBrands::all()).map(|n| n.brand()), Ok(Brand::Visa));

        let mut changed = number.clone().into_bytes();
        changed[position] = b'0' + (changed[position] - b'0' + delta) % 10;
        let changed = String::from_utf8(changed).unwrap_or_default();
        prop_assert!(!luhn_valid(&changed), "{} still passes Luhn", changed);
        prop_assert_eq!(
            parse_card_number(&changed, &AcceptedBrands::all()).map(|n| n.brand()),
            Err(CardError::IncorrectNumber)
        );
    }

    #[test]
    fn parsing_never_panics(input in "\\PC{0,40}", month in any::<i64>(), year in any::<i64>()) {
        let _ = parse_card_number(&input, &AcceptedBrands::all());
        let _ = Cvc::parse(&input, Brand::Visa);
        let _ = Brand::detect(&input);
        let _ = Expiry::parse(month, year, TODAY_YEAR, TODAY_MONTH);
    }
}
