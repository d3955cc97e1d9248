using System.Text;

namespace MicroAI.Imaging.Tests;

/// <summary>Paths of the committed fixtures, and a reader for the binary PNM (P5/P6) reference decodes.</summary>
internal static class Fixtures
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static byte[] Jpeg(string name) => File.ReadAllBytes(Path.Combine(Folder, "jpeg", name + ".jpg"));

    /// <summary>A P5 (grey, expanded to RGB) or P6 file as (width, height, RGB bytes).</summary>
    public static (int Width, int Height, byte[] Rgb) ReadPnm(string path)
    {
        var data = File.ReadAllBytes(path);
        var position = 0;
        string Token()
        {
            while (char.IsWhiteSpace((char)data[position]))
                position++;
            var start = position;
            while (!char.IsWhiteSpace((char)data[position]))
                position++;
            return Encoding.ASCII.GetString(data, start, position - start);
        }

        var magic = Token();
        var width = int.Parse(Token());
        var height = int.Parse(Token());
        Assert.Equal("255", Token());
        position++; // The single whitespace byte before the samples.
        var rgb = new byte[width * height * 3];
        if (magic == "P6")
        {
            Array.Copy(data, position, rgb, 0, rgb.Length);
        }
        else
        {
            Assert.Equal("P5", magic);
            for (var i = 0; i < width * height; i++)
                rgb[i * 3] = rgb[(i * 3) + 1] = rgb[(i * 3) + 2] = data[position + i];
        }

        return (width, height, rgb);
    }
}
