using System.Text;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ModelBinding.Binders;

namespace Ocim.Portal.Infrastructure.Text;

/// <summary>
/// Text as it enters the portal (forms, query strings, the CSV import): control characters (C0, DEL, C1) are
/// removed, so that « \x1b[31m » or a NUL never reaches the database, a CSV export or an e-mail. A multi-line field
/// keeps its tabs and line breaks (as "\n"); a single-line one gets a space for each. Nothing is trimmed: that is
/// each feature's choice (a password keeps its spaces).
/// </summary>
public static class TextInput
{
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    public static string? Clean(string? value, bool multiline)
    {
        if (value is null)
        {
            return null;
        }

        if (!value.AsSpan().ContainsAnyInRange('\0', '\u001F') && !value.AsSpan().ContainsAnyInRange('\u007F', '\u009F'))
        {
            return value;
        }

        // CR LF and CR become LF; NEL (U+0085) and FF are controls like the others, not line breaks.
        var text = value.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\n' or '\t')
            {
                builder.Append(multiline ? c : ' ');
            }
            else if (!char.IsControl(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}

/// <summary>
/// Every string the model binding reads from a POST (or any method but GET and HEAD) goes through <see cref="TextInput.Clean(string?, bool)"/>; a property or
/// parameter marked <c>[DataType(DataType.MultilineText)]</c> (a textarea) keeps its line breaks.
/// </summary>
public sealed class CleanTextModelBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var source = context.BindingInfo.BindingSource;
        if (context.Metadata.ModelType != typeof(string) || context.BindingInfo.BinderType is not null
            || !(source is null || source == BindingSource.Form || source == BindingSource.Query || source == BindingSource.Path || source == BindingSource.ModelBinding))
        {
            return null;
        }

        var loggerFactory = context.Services.GetRequiredService<ILoggerFactory>();
        return new CleanTextModelBinder(new SimpleTypeModelBinder(typeof(string), loggerFactory), context.Metadata.DataTypeName == nameof(System.ComponentModel.DataAnnotations.DataType.MultilineText));
    }

    private sealed class CleanTextModelBinder(IModelBinder inner, bool multiline) : IModelBinder
    {
        public async Task BindModelAsync(ModelBindingContext bindingContext)
        {
            await inner.BindModelAsync(bindingContext);
            // A GET stores nothing: its query string is a search, and each filter answers control characters its own
            // way (the actor filter drops them, /lieux refuses them with a 400).
            var request = bindingContext.HttpContext.Request;
            if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            {
                return;
            }

            if (bindingContext.Result.IsModelSet && bindingContext.Result.Model is string text)
            {
                bindingContext.Result = ModelBindingResult.Success(TextInput.Clean(text, multiline));
            }
        }
    }
}
