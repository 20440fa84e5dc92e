using System.Text;
using LocalRqa.Tokenization.Normalizers;

namespace LocalRqa.Tests.Tokenization.Normalizers;

// Expected strings computed with Python's unicodedata.normalize.
public class UnicodeNormalizerTests
{
    [Fact]
    public void DecomposesAndOrdersMarksByCombiningClass() =>
        // ậ = a + dot below (class 220) + circumflex (230)
        Assert.Equal("a\u0323\u0302", UnicodeNormalizer.Normalize("\u1EAD", NormalizationForm.FormD));

    [Fact]
    public void ComposesOutOfOrderMarks() =>
        Assert.Equal("\u1EAD", UnicodeNormalizer.Normalize("a\u0302\u0323", NormalizationForm.FormC));

    [Fact]
    public void CompatibilityFormsExpandLigatures()
    {
        Assert.Equal("fi", UnicodeNormalizer.Normalize("\uFB01", NormalizationForm.FormKC));
        Assert.Equal("\uFB01", UnicodeNormalizer.Normalize("\uFB01", NormalizationForm.FormC));
    }

    [Fact]
    public void HangulIsAlgorithmic()
    {
        Assert.Equal("\u1112\u1161\u11AB", UnicodeNormalizer.Normalize("\uD55C", NormalizationForm.FormD));
        Assert.Equal("\uD55C", UnicodeNormalizer.Normalize("\u1112\u1161\u11AB", NormalizationForm.FormC));
    }

    [Fact]
    public void StripAccentsWorksDespiteInvariantGlobalization() =>
        Assert.Equal("Creme brulee a Sao Paulo", UnicodeNormalizer.StripAccents("Crème brûlée à São Paulo"));
}
