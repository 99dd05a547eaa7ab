package dev.toolgate.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlTextTest {

    @Test
    void namedParametersBecomePlaceholdersInOrderOfUse() {
        SqlText t = SqlText.parse("SELECT id FROM customers WHERE email = :email AND (:since IS NULL OR created > :since)");
        assertThat(t.jdbcSql()).isEqualTo("SELECT id FROM customers WHERE email = ? AND (? IS NULL OR created > ?)");
        assertThat(t.parameters()).containsExactly("email", "since", "since");
        assertThat(t.names()).containsExactly("email", "since");
    }

    @Test
    void colonsInsideStringsIdentifiersCommentsAndDollarQuotesAreNotParameters() {
        SqlText t = SqlText.parse("""
                SELECT ':not_a_param', "odd:name", $$ :nor_this $$, $tag$ it's :x $tag$, E'\\' :no'
                -- :comment
                /* :block /* :nested */ */
                FROM t WHERE a = :real""");
        assertThat(t.parameters()).containsExactly("real");
        assertThat(t.jdbcSql()).contains("':not_a_param'", "\"odd:name\"", "$$ :nor_this $$", "E'\\' :no'");
    }

    @Test
    void castsAreKeptAndAParameterMayBeCast() {
        SqlText t = SqlText.parse("SELECT :d::date, x::text FROM t");
        assertThat(t.jdbcSql()).isEqualTo("SELECT ?::date, x::text FROM t");
        assertThat(t.parameters()).containsExactly("d");
    }

    @Test
    void aLiteralQuestionMarkInCodeIsEscapedForJdbc() {
        assertThat(SqlText.parse("SELECT doc ? 'key' FROM t WHERE id = :id").jdbcSql())
                .isEqualTo("SELECT doc ?? 'key' FROM t WHERE id = ?");
        assertThat(SqlText.parse("SELECT '?' FROM t").jdbcSql()).isEqualTo("SELECT '?' FROM t");
    }

    @Test
    void aTrailingSemicolonAndCommentAreOneStatement() {
        assertThat(SqlText.parse("SELECT 1; -- done\n").jdbcSql()).isEqualTo("SELECT 1 -- done");
    }

    @Test
    void aSecondStatementIsRefusedWithItsPosition() {
        assertThatThrownBy(() -> SqlText.parse("SELECT 1;\nDROP TABLE customers"))
                .isInstanceOf(SqlText.SqlTextException.class)
                .hasMessageContaining("only one statement").hasMessageContaining("line 1, column 9");
        assertThatThrownBy(() -> SqlText.parse("SELECT ';' ; ; SELECT 2"))
                .hasMessageContaining("only one statement");
    }

    @Test
    void aCarriageReturnEndsALineCommentSoWhatFollowsIsASecondStatement() {
        assertThatThrownBy(() -> SqlText.parse("SELECT 1 --x\r; COMMIT; DELETE FROM t WHERE x = 2"))
                .hasMessageContaining("only one statement");
        assertThatThrownBy(() -> SqlText.parse("SELECT 1;\rCOMMIT")).hasMessageContaining("only one statement");
    }

    @Test
    void backslashesInPlainStringsFollowStandardConformingStrings() {
        // with standard_conforming_strings on (calls force it), 'a\' is a whole string
        SqlText t = SqlText.parse("SELECT 'a\\', '; COMMIT; DELETE FROM t; --' AS x");
        assertThat(t.parameters()).isEmpty();
        assertThatThrownBy(() -> SqlText.parse("SELECT E'a\\', '; COMMIT; DELETE FROM t; --'"))
                .isInstanceOf(SqlText.SqlTextException.class);
    }

    @Test
    void nonAsciiTextAndIdentifiersAreKept() {
        SqlText t = SqlText.parse("SELECT \"Größe\", 'naïve: ☃' FROM t WHERE name = :name");
        assertThat(t.jdbcSql()).isEqualTo("SELECT \"Größe\", 'naïve: ☃' FROM t WHERE name = ?");
        assertThat(t.parameters()).containsExactly("name");
    }

    @Test
    void semicolonsInsideQuotesDoNotEndTheStatement() {
        assertThat(SqlText.parse("SELECT ';', \";\", $$;$$ FROM t").parameters()).isEmpty();
    }

    @Test
    void unterminatedQuotesAndCommentsAreRefused() {
        assertThatThrownBy(() -> SqlText.parse("SELECT 'open")).hasMessageContaining("string constant opened at line 1, column 8");
        assertThatThrownBy(() -> SqlText.parse("SELECT \"open")).hasMessageContaining("quoted identifier");
        assertThatThrownBy(() -> SqlText.parse("SELECT 1 /* open")).hasMessageContaining("comment opened");
        assertThatThrownBy(() -> SqlText.parse("SELECT $a$ open")).hasMessageContaining("dollar-quoted");
    }

    @Test
    void emptyTextAndBadParameterNamesAreRefused() {
        assertThatThrownBy(() -> SqlText.parse("  -- nothing\n ;")).hasMessageContaining("empty");
        assertThatThrownBy(() -> SqlText.parse("SELECT :Email")).hasMessageContaining("lower case");
    }

    @Test
    void positionalDollarParametersAreRefused() {
        assertThatThrownBy(() -> SqlText.parse("SELECT * FROM t WHERE id = $1"))
                .hasMessageContaining("positional parameter $1").hasMessageContaining(":email");
        assertThat(SqlText.parse("SELECT a$1 FROM t").parameters()).isEmpty();
    }
}
