package dev.modelscan.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * NumpyDtype against NumPy 1.24's own answers (itemsize and hasobject printed by np.dtype / descr_to_dtype for each
 * spec below, see generate_parsing.py): the grammar of numpy/core/src/multiarray/descriptor.c _convert_from_str and
 * _internal._commastring, and numpy/lib/format.py descr_to_dtype.
 */
class NumpyDtypeTest {

  private static NumpyDtype header(String literal) throws Exception {
    return NumpyDtype.fromHeaderDescr(NpyHeader.literal(literal));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '"',
      value = {
        "'<f8'; 8; false",
        "'|O'; 8; true",
        "'O8'; 8; true",
        "'O4'; 8; true",
        "'object'; 8; true",
        "'object_'; 8; true",
        "'<f4,|O'; 12; true",
        "'O,'; 8; true",
        "'f4,'; 4; false",
        "'2O'; 16; true",
        "'(2,)O'; 16; true",
        "'i4, (2,3)f8'; 52; false",
        "'<M8[ns]'; 8; false",
        "'m8'; 8; false",
        "'|S5'; 5; false",
        "'<U3'; 12; false",
        "'V16'; 16; false",
        "'?'; 1; false",
        "'c'; 1; false",
        "'float64'; 8; false",
        "'complex'; 16; false",
        "[('a', '<f4'), ('b', '|O')]; 12; true",
        "[('a', [('b', '<i2'), ('c', '|O')])]; 10; true",
        "[('a', '|O', (2,))]; 16; true",
        "[('a', ('|O', (2,)))]; 16; true",
        "('|O', (2,)); 16; true",
        "('<f4', 1); 4; false",
        "('<f4', ()); 4; false",
        "[(('title', 'a'), '|O')]; 8; true",
        "['aO']; 8; true",
        "[['a', 'O']]; 8; true",
        "{'aO': 1}; 8; true",
        "[('a', '<f4'), ('b', '<i8', 3)]; 28; false",
        "[('', '|O', (2,)), ('a', '<f4')]; 20; false",
        "[('', '|V4'), ('a', '<f4')]; 8; false",
        "('S', 5); 5; false",
        "('U', 3); 12; false"
      })
  void headerDescrsAreReadAsNumpyReadsThem(String descr, long itemsize, boolean hasObject) throws Exception {
    NumpyDtype d = header(descr);
    assertThat(d.itemsize).as(descr).isEqualTo(itemsize);
    assertThat(d.hasObject).as(descr).isEqualTo(hasObject);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "'|object'", "'O0'", "'O16'", "'Oa'", "''", "'<'", "'f3'", "'<f4,|Q9'", "',f8'", "'<f4,>f4<'",
        "('V8', [('a', 'O')])", "('i8', [('a', 'O')])", "None", "5", "[('a',)]", "[('a', 'O', (2,), 1)]",
        "('O',)", "'M8[lightyears]'", "[('a', 'O', (-1,))]"
      })
  void descrsNumpyRejectsAreMalformed(String descr) {
    assertThatThrownBy(() -> header(descr)).as(descr).isInstanceOf(NumpyDtype.Malformed.class);
  }

  @Test
  void nestingAndSizeAreBounded() throws Exception {
    String deep = "[('a', ".repeat(40) + "'O'" + ")]".repeat(40);
    assertThatThrownBy(() -> header(deep)).hasMessageContaining("nested");
    assertThatThrownBy(() -> header("[('a', '<f8', (2147483647,))]")).hasMessageContaining("C int");
    StringBuilder wide = new StringBuilder("[");
    for (int i = 0; i < NumpyDtype.MAX_ITEMS + 1; i++) {
      wide.append("('f").append(i).append("', 'u1'),");
    }
    assertThatThrownBy(() -> header(wide.append("]").toString())).hasMessageContaining("parts");
  }

  /** descriptor.c arraydescr_setstate: the state's flags decide hasobject; its elsize counts for S, U, V only. */
  @Test
  void setstateFollowsNumpy() throws Exception {
    NumpyDtype f8 = NumpyDtype.of("f8").copied();
    assertThat(f8.withState(state(3, "<", -1, 1)).hasObject).isTrue();
    assertThat(f8.withState(state(3, "<", 99, 0)).itemsize).isEqualTo(8); // ignored for f8
    assertThat(f8.withState(state(3, "<", -1, -127)).hasObject).isTrue();
    NumpyDtype object = NumpyDtype.of("O").copied();
    assertThat(object.withState(state(3, "|", -1, 0)).hasObject).isFalse();
    assertThat(object.withState(new NumpyDtype.Tuple(java.util.Arrays.asList(3L, "|", null, null, null, -1L, -1L))).hasObject)
        .isFalse();
    assertThat(object.withState(new NumpyDtype.Tuple(java.util.Arrays.asList("|", null, null, -1L, -1L))).hasObject)
        .isTrue(); // version 0: _descr_find_object
    assertThat(NumpyDtype.of("V8").copied().withState(state(3, "|", 16, 0)).itemsize).isEqualTo(16);
    assertThat(NumpyDtype.of("S4").copied().withState(state(3, "|", 2, 0)).itemsize).isEqualTo(2);
    // np.dtype('f8', False, False) is the shared builtin: setstate returns without changing it
    assertThat(NumpyDtype.of("f8").withState(state(3, "<", -1, 1)).hasObject).isFalse();
    assertThat(NumpyDtype.of(">f8").withState(state(3, ">", -1, 1)).hasObject).isTrue();
    assertThatThrownBy(() -> f8.withState(state(5, "<", -1, 0))).isInstanceOf(NumpyDtype.Malformed.class);
    assertThatThrownBy(() -> f8.withState(state(3, "<<", -1, 0))).isInstanceOf(NumpyDtype.Malformed.class);
    assertThatThrownBy(() -> f8.withState("x")).isInstanceOf(NumpyDtype.Malformed.class);
    // a structure pickled by NumPy: np.dtype('V12') with names and fields in the state
    NumpyDtype.Tuple structState =
        new NumpyDtype.Tuple(
            java.util.Arrays.asList(3L, "|", null, new NumpyDtype.Tuple(List.of("a", "b")), Map.of(), 12L, 1L, 27L));
    NumpyDtype st = NumpyDtype.of("V12").copied().withState(structState);
    assertThat(st.itemsize).isEqualTo(12);
    assertThat(st.hasObject).isTrue();
  }


  private static NumpyDtype.Tuple state(long version, String endian, long elsize, long flags) {
    return new NumpyDtype.Tuple(java.util.Arrays.asList(version, endian, null, null, null, elsize, -1L, flags));
  }
}
