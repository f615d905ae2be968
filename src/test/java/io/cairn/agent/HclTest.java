package io.cairn.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HclTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode parse(String hcl) throws HclParseException {
        return Hcl.parse(hcl, "test.hcl");
    }

    private static JsonNode json(String json) throws Exception {
        return JSON.readTree(json.replace('\'', '"'));
    }

    private static void assertParsesTo(String hcl, String expectedJson) throws Exception {
        assertThat(parse(hcl)).isEqualTo(json(expectedJson));
    }

    private static void assertError(String hcl, String expectedMessage) {
        assertThatThrownBy(() -> parse(hcl))
                .isInstanceOf(HclParseException.class)
                .hasMessage(expectedMessage);
    }

    private static final String CONSUL_EXAMPLE = """
            datacenter = "dc1"
            data_dir = "/tmp/x"
            ports { http = 8500  dns = 8600 }
            retry_join = ["10.0.0.1", "10.0.0.2"]
            service {
              name = "web"
              tags = ["v1", "primary"]
              port = 80
              check {
                http = "http://localhost/health"
                interval = "10s"
                header { X-Foo = ["bar"] }
              }
            }
            service { name = "db" port = 5432 }
            """;

    // ---- documents and keys -------------------------------------------------------------------

    @Test
    void consulStyleConfigParsesToTheSameTreeAsItsJsonForm() throws Exception {
        assertParsesTo(CONSUL_EXAMPLE, """
                {'datacenter':'dc1','data_dir':'/tmp/x','ports':{'http':8500,'dns':8600},
                 'retry_join':['10.0.0.1','10.0.0.2'],
                 'service':[
                   {'name':'web','tags':['v1','primary'],'port':80,
                    'check':{'http':'http://localhost/health','interval':'10s','header':{'X-Foo':['bar']}}},
                   {'name':'db','port':5432}]}
                """);
    }

    @Test
    void emptyOrCommentOnlyInputIsAnEmptyObject() throws Exception {
        assertParsesTo("", "{}");
        assertParsesTo("  \n\t# nothing\n// here\n/* at\nall */\n", "{}");
    }

    @Test
    void keysMayBeBareIdentifiersWithDashesDotsDigitsOrQuotedStrings() throws Exception {
        assertParsesTo("a.b-c_d9 = 1\n\"quoted key\" = 2\n_x = 3\n\"\" = 4",
                "{'a.b-c_d9':1,'quoted key':2,'_x':3,'':4}");
    }

    @Test
    void itemsNeedNoSeparatorButAcceptCommas() throws Exception {
        assertParsesTo("a = 1 b = 2, c = 3,\nd = 4", "{'a':1,'b':2,'c':3,'d':4}");
    }

    @Test
    void colonIsNotAnAssignmentOperatorInHcl1() {
        assertError("a: 1", "test.hcl:1:2: unexpected ':', HCL uses '=' for assignment");
    }

    @Test
    void crlfLineEndingsAreAccepted() throws Exception {
        assertParsesTo("a = 1\r\nb {\r\n  c = \"x\"\r\n}\r\n", "{'a':1,'b':{'c':'x'}}");
    }

    // ---- strings and heredocs -----------------------------------------------------------------

    @Test
    void stringEscapesAreDecoded() throws Exception {
        ObjectNode tree = parse("s = \"a\\nb\\tc\\\"d\\\\e\\u00e9\\U0001F600 # not a comment\"");
        assertThat(tree.get("s").textValue()).isEqualTo("a\nb\tc\"d\\e\u00e9\uD83D\uDE00 # not a comment");
    }

    @Test
    void unknownEscapeIsReportedAtTheBackslash() {
        assertError("s = \"ab\\qc\"", "test.hcl:1:8: invalid escape sequence \"\\\\q\"");
    }

    @Test
    void malformedUnicodeEscapeIsAnError() {
        assertError("s = \"\\u12G4\"", "test.hcl:1:6: invalid unicode escape");
        assertError("s = \"\\UFFFFFFFF\"", "test.hcl:1:6: invalid unicode escape");
    }

    @Test
    void unterminatedStringIsReportedAtItsOpeningQuote() {
        assertError("a = 1\nb = \"abc\nc = 2", "test.hcl:2:5: unterminated string");
        assertError("b = \"abc\\", "test.hcl:1:5: unterminated string");
    }

    @Test
    void heredocKeepsItsLinesVerbatimIncludingTheFinalNewline() throws Exception {
        ObjectNode tree = parse("script = <<EOF\n  echo \"hi\"\n# kept\nEOF\nnext = 1\n");
        assertThat(tree.get("script").textValue()).isEqualTo("  echo \"hi\"\n# kept\n");
        assertThat(tree.get("next").intValue()).isEqualTo(1);
    }

    @Test
    void emptyHeredocIsAnEmptyString() throws Exception {
        assertParsesTo("a = <<EOF\nEOF", "{'a':''}");
    }

    @Test
    void indentedHeredocStripsTheTerminatorsIndentation() throws Exception {
        ObjectNode tree = parse("x {\n  y = <<-END\n    line1\n\n      line2\n    END\n}\n");
        assertThat(tree.at("/x/y").textValue()).isEqualTo("line1\n\n  line2\n");
    }

    @Test
    void indentedHeredocIsKeptAsWrittenWhenALineIsLessIndentedThanTheTerminator() throws Exception {
        ObjectNode tree = parse("y = <<-END\n    a\n  b\n    END\n");
        assertThat(tree.get("y").textValue()).isEqualTo("    a\n  b\n");
    }

    @Test
    void unterminatedHeredocIsReportedAtItsStart() {
        assertError("a = 1\nb = <<EOF\ntext\nEO", "test.hcl:2:5: unterminated heredoc, expected closing \"EOF\"");
    }

    @Test
    void heredocAnchorMustBeFollowedByANewline() {
        assertError("a = <<EOF x\nEOF", "test.hcl:1:10: heredoc anchor must be followed by a newline");
        assertError("a = <<\nEOF", "test.hcl:1:5: expected heredoc anchor after '<<'");
    }

    // ---- numbers and booleans -----------------------------------------------------------------

    @Test
    void integersIncludingNegativeAndLongUseTheSameNodeTypesAsJson() throws Exception {
        assertParsesTo("a = 0\nb = -42\nc = 8500\nd = 9223372036854775807\ne = -2147483649",
                "{'a':0,'b':-42,'c':8500,'d':9223372036854775807,'e':-2147483649}");
        assertThat(parse("c = 8500").get("c").isInt()).isTrue();
    }

    @Test
    void floatsAndExponentsAreDoubles() throws Exception {
        assertParsesTo("a = 1.5\nb = -0.25\nc = 1e3\nd = 2.5E-2", "{'a':1.5,'b':-0.25,'c':1000.0,'d':0.025}");
    }

    @Test
    void hexAndLeadingZeroOctalIntegersFollowHcl1() throws Exception {
        assertParsesTo("a = 0x1F\nb = -0x10\nc = 0644", "{'a':31,'b':-16,'c':420}");
        assertError("p = 08500", "test.hcl:1:5: invalid octal number \"08500\"");
    }

    @Test
    void numberRunningIntoLettersIsRejectedRatherThanSplit() {
        assertError("interval = 10s", "test.hcl:1:12: invalid number \"10s\"");
        assertError("v = 1.2.3", "test.hcl:1:5: invalid number \"1.2.3\"");
        assertError("v = 1e", "test.hcl:1:5: invalid number \"1e\"");
    }

    @Test
    void integerBeyondSixtyFourBitsIsAnError() {
        assertError("n = 9223372036854775808", "test.hcl:1:5: integer out of range \"9223372036854775808\"");
        assertError("n = 1e999", "test.hcl:1:5: number out of range \"1e999\"");
    }

    @Test
    void booleansAreJsonBooleans() throws Exception {
        assertParsesTo("a = true\nb = false", "{'a':true,'b':false}");
    }

    @Test
    void bareWordValueIsRejectedBecauseStringsMustBeQuoted() {
        assertError("mode = fast", "test.hcl:1:8: unexpected identifier \"fast\", strings must be quoted");
    }

    // ---- lists and objects --------------------------------------------------------------------

    @Test
    void listsAllowTrailingCommasNewlinesAndComments() throws Exception {
        assertParsesTo("a = [\n  \"x\", # first\n  2, /* two */\n  true,\n]\nb = []\nc = [1]",
                "{'a':['x',2,true],'b':[],'c':[1]}");
    }

    @Test
    void listsMayHoldObjectsAndNestedLists() throws Exception {
        assertParsesTo("a = [{ x = 1 }, [2, [3]], <<EOF\nh\nEOF\n]", "{'a':[{'x':1},[2,[3]],'h\\n']}");
    }

    @Test
    void listElementsMustBeSeparatedByCommas() {
        assertError("a = [1\n 2]", "test.hcl:2:2: expected ',' or ']' in list, found number 2");
    }

    @Test
    void unclosedListNamesWhereItWasOpened() {
        assertError("a = [1,\n", "test.hcl:2:1: expected ']' to close '[' at 1:5, found end of input");
    }

    @Test
    void objectValuesSeparateEntriesByNewlinesOrCommas() throws Exception {
        assertParsesTo("o = { a = 1, b = \"x\"\n c = { d = [] } }", "{'o':{'a':1,'b':'x','c':{'d':[]}}}");
    }

    @Test
    void blockWithoutEqualsIsAnObject() throws Exception {
        assertParsesTo("ports { http = 8500 }\nempty {}", "{'ports':{'http':8500},'empty':{}}");
    }

    @Test
    void blockLabelsBecomeNestedObjectKeys() throws Exception {
        assertParsesTo("check \"id\" { ttl = \"5s\" }", "{'check':{'id':{'ttl':'5s'}}}");
        assertParsesTo("a \"b\" c { d = 1 }", "{'a':{'b':{'c':{'d':1}}}}");
    }

    @Test
    void repeatedBlocksBecomeAnArrayInSourceOrder() throws Exception {
        assertParsesTo("service { name = \"a\" }\nx = 1\nservice { name = \"b\" }\nservice = { name = \"c\" }",
                "{'service':[{'name':'a'},{'name':'b'},{'name':'c'}],'x':1}");
    }

    @Test
    void repeatedLabeledBlocksBecomeAnArrayOfSingleKeyObjects() throws Exception {
        assertParsesTo("check \"a\" { ttl = \"1s\" }\ncheck \"b\" { ttl = \"2s\" }",
                "{'check':[{'a':{'ttl':'1s'}},{'b':{'ttl':'2s'}}]}");
    }

    @Test
    void repeatedScalarKeyIsADuplicateKeyError() {
        assertError("port = 1\n  port = 2", "test.hcl:2:3: duplicate key \"port\"");
    }

    @Test
    void mixingScalarAndBlockUnderOneKeyIsADuplicateKeyError() {
        assertError("a = 1\na { }", "test.hcl:2:1: duplicate key \"a\"");
        assertError("a { }\na = [1]", "test.hcl:2:1: duplicate key \"a\"");
    }

    @Test
    void blockAfterALiteralListOfTheSameKeyDoesNotExtendTheList() {
        assertError("a = [{}]\na { }", "test.hcl:2:1: duplicate key \"a\"");
    }

    // ---- comments -----------------------------------------------------------------------------

    @Test
    void allThreeCommentStylesAreIgnoredAnywhereBetweenTokens() throws Exception {
        assertParsesTo("# hash\na = /* inline */ 1 // trailing\nb /* between */ { c = 2 } # end",
                "{'a':1,'b':{'c':2}}");
    }

    @Test
    void unterminatedBlockCommentIsAnError() {
        assertError("a = 1\n  /* open", "test.hcl:2:3: unterminated comment");
    }

    // ---- error reporting ----------------------------------------------------------------------

    @Test
    void missingEqualsNamesTheKey() {
        assertError("x 5", "test.hcl:1:3: expected '=' after key \"x\", found number 5");
    }

    @Test
    void labelsMustBeFollowedByABrace() {
        assertError("a \"b\" c ]", "test.hcl:1:9: expected '{' after labels of block \"a\", found ']'");
    }

    @Test
    void forgottenEqualsBeforeAStringPointsAtTheString() {
        assertError("service {\n  name \"web\"\n  port = 80\n}",
                "test.hcl:2:8: expected '=' after key \"name\", found string \"web\"");
        assertError("a b = 1", "test.hcl:1:3: expected '=' after key \"a\", found identifier \"b\"");
    }

    @Test
    void unclosedBlockNamesWhereItWasOpened() {
        assertError("a {\n  b = 1\n", "test.hcl:3:1: expected '}' to close '{' at 1:3, found end of input");
    }

    @Test
    void strayTokensAtTopLevelAreReported() {
        assertError("a = 1\n}", "test.hcl:2:1: expected key, found '}'");
        assertError("a = 1\n@", "test.hcl:2:1: unexpected character '@'");
        assertError("a =", "test.hcl:1:4: expected value, found end of input");
    }

    @Test
    void exceptionExposesLineColumnAndReason() {
        HclParseException e = catchParse("a = 1\n\tb = ");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.column()).isEqualTo(6);
        assertThat(e.reason()).isEqualTo("expected value, found end of input");
    }

    @Test
    void messageStaysOnOneLineEvenWhenKeysOrSourceNameContainNewlines() {
        assertThatThrownBy(() -> Hcl.parse("\"a\\nb\" = 1\n\"a\\nb\" = 2", "odd\nname"))
                .hasMessage("odd\\u000aname:2:1: duplicate key \"a\\u000ab\"");
    }

    @Test
    void nullSourceNameIsShownAsInput() {
        assertThatThrownBy(() -> Hcl.parse("=", null)).hasMessage("<input>:1:1: expected key, found '='");
    }

    @Test
    void nestingUpToOneHundredLevelsIsAccepted() throws Exception {
        ObjectNode blocks = parse("a {".repeat(100) + "}".repeat(100));
        assertThat(blocks.at("/a".repeat(100)).isObject()).isTrue();
        ObjectNode lists = parse("a = " + "[".repeat(100) + "]".repeat(100));
        assertThat(lists.get("a").isArray()).isTrue();
    }

    @Test
    void nestingBeyondOneHundredLevelsIsAnErrorNotAStackOverflow() {
        assertError("a {".repeat(101) + "}".repeat(101), "test.hcl:1:303: nesting deeper than 100 levels");
        assertThatThrownBy(() -> parse("a = " + "[".repeat(1_000_000)))
                .isInstanceOf(HclParseException.class).hasMessageContaining("nesting deeper than 100 levels");
        assertThatThrownBy(() -> parse("a = " + "{ b = ".repeat(1_000_000)))
                .isInstanceOf(HclParseException.class).hasMessageContaining("nesting deeper than 100 levels");
    }

    @Test
    void blockLabelsCountTowardTheNestingLimit() {
        assertThatThrownBy(() -> parse("a " + "l ".repeat(200) + "{}"))
                .isInstanceOf(HclParseException.class).hasMessageContaining("nesting deeper than 100 levels");
    }

    // ---- robustness ---------------------------------------------------------------------------

    private static final List<String> SEEDS = List.of(
            CONSUL_EXAMPLE,
            "s = \"a\\n\\u00e9\\\"\" # c\nh = <<-EOF\n  x\n  EOF\nl = [1, -2.5e3, 0x1f, true, { k = \"v\" },]\n",
            "check \"id\" { args = [\"/bin/true\"] /* c */ interval = \"10s\" }\ncheck \"id2\" { ttl = \"3s\" }\n",
            "a = { b = { c = [[{}]] } }, d = 0644\n// end");
    private static final String ALPHABET = "{}[]\"'=,:#/*<-\\\n\t 0123456789abcEOFxu.+é\u0000\uD83D";

    @Test
    void randomMutationsOfValidInputsOnlyEverThrowParseException() {
        Random random = new Random(0xCA1A);
        for (int round = 0; round < 2_000; round++) {
            String input = mutate(SEEDS.get(random.nextInt(SEEDS.size())), random);
            try {
                ObjectNode tree = Hcl.parse(input, "fuzz.hcl");
                assertThat(tree).isNotNull();
                JSON.writeValueAsString(tree); // whatever we accept must be serialisable as JSON
            } catch (HclParseException e) {
                assertThat(e.getMessage()).matches("fuzz\\.hcl:\\d+:\\d+: [^\\n\\r]+");
            } catch (Throwable t) {
                fail("round " + round + " threw " + t + " for input: " + JSON.valueToTree(input), t);
            }
        }
    }

    @Test
    void randomGarbageOnlyEverThrowsParseException() {
        Random random = new Random(42);
        for (int round = 0; round < 2_000; round++) {
            StringBuilder input = new StringBuilder();
            int length = random.nextInt(60);
            for (int i = 0; i < length; i++) input.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            try {
                Hcl.parse(input.toString(), "garbage");
            } catch (HclParseException e) {
                assertThat(e.getMessage()).matches("garbage:\\d+:\\d+: [^\\n\\r]+");
            } catch (Throwable t) {
                fail("round " + round + " threw " + t + " for input: " + JSON.valueToTree(input.toString()), t);
            }
        }
    }

    private static String mutate(String seed, Random random) {
        StringBuilder s = new StringBuilder(seed);
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            int at = random.nextInt(s.length() + 1);
            switch (random.nextInt(4)) {
                case 0 -> s.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                case 1 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(5)));
                case 2 -> s.setLength(at);
                default -> {
                    int from = random.nextInt(s.length() + 1);
                    s.insert(at, s.substring(Math.min(from, at), Math.max(from, at)));
                }
            }
        }
        return s.toString();
    }

    private static HclParseException catchParse(String hcl) {
        try {
            parse(hcl);
        } catch (HclParseException e) {
            return e;
        }
        throw new AssertionError("expected a ParseException for: " + hcl);
    }
}
